package io.dxmi.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch's fused group normalisation and SiLU kernels, which DJL 0.36 does not expose, reached
 * through one-line TorchScript functions that this class writes from source and loads once per
 * process (nothing is downloaded or shipped as a binary).
 *
 * <p>Why: composed of DJL's operations, SiLU is a sigmoid and a product (two kernels forward,
 * four backward) and group normalisation a layer norm plus a per-channel scale and shift with
 * their own backward reductions; in a 28 × 28 UNet training step that element-wise work cost
 * more than PyTorch's fused {@code silu} and {@code group_norm} (one kernel each way). The
 * fused kernels compute the same values (the forward pass to rounding, the gradients to about
 * 1e-6 relative: the reductions are ordered differently).
 *
 * <p>The functions run in TorchScript's interpreter without graph optimisation, so each call is
 * exactly the eager {@code aten} operation, recorded by autograd when the calling thread records
 * gradients and not otherwise; they hold no tensors, so they serve every device.
 */
public final class FusedKernels {

    /** The functions loaded so far, by their source: a handful per process (one per group count). */
    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    /** Owns the loaded functions for the life of the process. */
    private static volatile NDManager owner;

    private FusedKernels() {}

    /** SiLU(x) = x·sigmoid(x), PyTorch's {@code silu} kernel. */
    public static NDArray silu(NDArray x) {
        return call("x: Tensor", "torch.silu(x)", new NDList(x));
    }

    /**
     * Group normalisation of (n, c, h, w) into {@code groups} groups with the per-channel affine γ, β
     * (PyTorch's {@code group_norm}), followed by SiLU when {@code thenSilu}.
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, double epsilon,
            boolean thenSilu) {
        String norm = String.format(Locale.ROOT, "torch.group_norm(x, %d, w, b, %s, True)", groups,
                Double.toString(epsilon));
        return call("x: Tensor, w: Tensor, b: Tensor", thenSilu ? "torch.silu(" + norm + ")" : norm,
                new NDList(x, gamma, beta));
    }

    private static NDArray call(String parameters, String expression, NDList inputs) {
        PtSymbolBlock f = MODULES.computeIfAbsent(parameters + " -> " + expression,
                k -> load(parameters, expression));
        // Thread-local in libtorch: the interpreter then runs the eager operations as written.
        JniUtils.setGraphExecutorOptimize(false);
        // "Training" only lets autograd follow the thread's own gradient mode (DJL turns it off otherwise).
        return IValueUtils.forward(f, unnamed(inputs), true).singletonOrThrow();
    }

    /**
     * DJL reads a dotted array name (a parameter's, such as {@code down.0.norm1.gamma}) as a key into a dictionary
     * argument: named inputs go in as unnamed views, which join the first input's manager (freed with its
     * temporaries) and pass gradients through to the named array.
     */
    private static NDList unnamed(NDList inputs) {
        NDManager m = inputs.get(0).getManager();
        NDList out = new NDList(inputs.size());
        for (NDArray a : inputs) {
            if (a.getName() == null) {
                out.add(a);
            } else {
                NDArray view = a.reshape(a.getShape());
                view.attach(m);
                out.add(view);
            }
        }
        return out;
    }

    private static PtSymbolBlock load(String parameters, String expression) {
        String source = "class Fused(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Fused, " + parameters + ") -> Tensor:\n"
                + "    return " + expression + "\n";
        try {
            return JniUtils.loadModule((PtNDManager) owner(), new ByteArrayInputStream(archive(source)), true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the fused kernel " + expression, e);
        }
    }

    private static NDManager owner() {
        NDManager m = owner;
        if (m == null) {
            synchronized (FusedKernels.class) {
                if (owner == null) {
                    owner = NDManager.newBaseManager();
                }
                m = owner;
            }
        }
        return m;
    }

    /** A TorchScript archive (format version 3) of one module class {@code Fused} with no state. */
    static byte[] archive(String source) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "fused/data.pkl", instancePickle());
            stored(zip, "fused/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, "fused/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // protocol 2: ()
            stored(zip, "fused/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    /** Pickle (protocol 2) of a {@code __torch__.Fused} instance whose only attribute is {@code training = True}. */
    private static byte[] instancePickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2});
        p.writeBytes("c__torch__\nFused\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        // BINPUT 0, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, BINUNICODE "training", BINPUT 1, NEWTRUE, SETITEMS, BUILD,
        // BINPUT 2, STOP
        p.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0});
        p.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {'q', 1, (byte) 0x88, 'u', 'b', 'q', 2, '.'});
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
