"""Training steps per second of the same DDPM UNet in PyTorch: the reference half of scripts/bench-unet.

The network mirrors services/core's UNet layer for layer (widths, GroupNorm groups, attention at the
lowest level, nearest up-sampling, stride-2 down-sampling). Arguments: batch threads channels warmup steps.
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoidal(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half) / max(1, half - 1))
    a = t[:, None] * freqs[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb, groups):
        super().__init__()
        self.n1, self.c1 = nn.GroupNorm(groups, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout)
        self.n2, self.c2 = nn.GroupNorm(groups, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb_act):
        h = self.c1(F.silu(self.n1(x))) + self.t(temb_act)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class Attention(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm, self.qkv, self.proj = nn.GroupNorm(groups, c), nn.Conv2d(c, 3 * c, 1), nn.Conv2d(c, c, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, c, h * w).unbind(1)
        weights = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(c), dim=2)
        return x + self.proj((v @ weights.transpose(1, 2)).reshape(n, c, h, w))


class UNet(nn.Module):
    def __init__(self, ch=32, mult=(1, 2, 2), blocks=1, groups=8, in_ch=1):
        super().__init__()
        self.ch, temb = ch, 4 * ch
        self.temb0, self.temb1 = nn.Linear(ch, temb), nn.Linear(temb, temb)
        self.inp = nn.Conv2d(in_ch, ch, 3, padding=1)
        self.down, skips, width = nn.ModuleList(), [ch], ch
        for level, m in enumerate(mult):
            for _ in range(blocks):
                self.down.append(ResBlock(width, ch * m, temb, groups)); width = ch * m
                if level == len(mult) - 1:
                    self.down.append(Attention(width, groups))
                skips.append(width)
            if level < len(mult) - 1:
                self.down.append(nn.Conv2d(width, width, 3, stride=2, padding=1)); skips.append(width)
        self.mid = nn.ModuleList([ResBlock(width, width, temb, groups), Attention(width, groups),
                                  ResBlock(width, width, temb, groups)])
        self.up = nn.ModuleList()
        for level in reversed(range(len(mult))):
            for _ in range(blocks + 1):
                self.up.append(ResBlock(width + skips.pop(), ch * mult[level], temb, groups)); width = ch * mult[level]
                if level == len(mult) - 1:
                    self.up.append(Attention(width, groups))
            if level > 0:
                self.up.append(nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                             nn.Conv2d(width, width, 3, padding=1)))
        self.out_norm, self.out = nn.GroupNorm(groups, width), nn.Conv2d(width, in_ch, 3, padding=1)

    def forward(self, x, t):
        temb_act = F.silu(self.temb1(F.silu(self.temb0(sinusoidal(t, self.ch)))))
        h = self.inp(x)
        hs = [h]
        for layer in self.down:
            if isinstance(layer, ResBlock):
                h = layer(h, temb_act)
            else:
                h = layer(h)
            if self._pushes(layer):
                hs.append(h)
        for layer in self.mid:
            h = layer(h, temb_act) if isinstance(layer, ResBlock) else layer(h)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                h = layer(torch.cat([h, hs.pop()], dim=1), temb_act)
            else:
                h = layer(h)
        return self.out(F.silu(self.out_norm(h)))

    def _pushes(self, layer):
        # A residual block pushes unless attention follows it; attention and down-sampling push.
        i = list(self.down).index(layer)
        if isinstance(layer, ResBlock):
            return not (i + 1 < len(self.down) and isinstance(self.down[i + 1], Attention))
        return True


def main():
    batch, threads, ch, warmup, steps = (int(a) for a in sys.argv[1:6])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = UNet(ch=ch)
    opt = torch.optim.Adam(net.parameters(), lr=2e-4)
    times, cpu = [], []
    for i in range(warmup + steps):
        t0, c0 = time.perf_counter(), time.thread_time()
        x, eps = torch.randn(batch, 1, 28, 28), torch.randn(batch, 1, 28, 28)
        t = torch.randint(0, 1000, (batch,)).float()
        loss = (net(x, t) - eps).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
    times.sort()
    cpu.sort()
    median = times[len(times) // 2]
    params = sum(p.numel() for p in net.parameters())
    print(f"torch {torch.__version__}: {params} parameters, batch {batch}, {threads} thread(s): "
          f"{median:.3f} s/step median, {1 / median:.2f} steps/s; CPU {cpu[len(cpu) // 2]:.3f} s/step median"
          + ("" if threads == 1 else " (this thread's only: not the step's cost)"))


if __name__ == "__main__":
    main()
