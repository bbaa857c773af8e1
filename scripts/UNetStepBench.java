import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.Adam;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.nn.UNet;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Training steps per second of the project's DDPM UNet (ε-loss, Adam) on random 1×28×28 inputs:
 * the Java half of scripts/bench-unet. Arguments: batch, threads, channels, warm-up steps, timed steps.
 * With one thread libtorch runs every operation on the calling thread, so that thread's CPU time per step
 * is the step's cost even when other processes share the cores (wall time is not).
 */
public final class UNetStepBench {
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int channels = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        DjlRuntime.configureThreads(threads);
        SampleShape shape = SampleShape.image(1, 28, 28);
        try (NDManager m = NDManager.newBaseManager()) {
            UNet net = new UNet(UNetConfig.defaults().withChannels(channels), shape, "", m, new Rng(0));
            Adam adam = Adam.builder().setParameters(net.parameters()).setLearningRate(2e-4f).build();
            Rng rng = new Rng(1);
            int e = net.embedding().dimension();
            double[] times = new double[steps];
            double[] cpu = new double[steps];
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                long c0 = mx.getCurrentThreadCpuTime();
                try (NDManager s = m.newSubManager()) {
                    NDArray x = s.create(rng.gaussians(batch * shape.size()), new Shape(shape.batch(batch)));
                    NDArray eps = s.create(rng.gaussians(batch * shape.size()), new Shape(shape.batch(batch)));
                    double[] t = new double[batch];
                    for (int k = 0; k < batch; k++) {
                        t[k] = rng.nextInt(1000);
                    }
                    NDArray emb = s.create(net.embedding().embed(t), new Shape(batch, e));
                    try (GradientRecorder g = GradientRecorder.open()) {
                        g.backward(net.forward(x, emb).sub(eps).square().mean());
                    }
                    adam.step();
                }
                if (i >= warmup) {
                    times[i - warmup] = (System.nanoTime() - t0) / 1e9;
                    cpu[i - warmup] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                }
            }
            Arrays.sort(times);
            Arrays.sort(cpu);
            double median = times[steps / 2];
            System.out.printf(Locale.ROOT, "java  DJL %s: %d parameters, batch %d, %d thread(s): %.3f s/step median, %.2f steps/s;"
                    + " CPU %.3f s/step median%s%n", DjlRuntime.engineVersion(), net.parameters().size(), batch, threads,
                    median, 1 / median, cpu[steps / 2], threads == 1 ? "" : " (this thread's only: not the step's cost)");
        }
    }
}
