package io.dxmi.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Process-wide DJL set-up. Must run before the first NDManager is created: the PyTorch engine
 * reads its thread counts once, at start.
 *
 * <p>Offline by default: the natives come from the pytorch-native-cpu jar on the class path,
 * and a missing jar fails at once instead of trying to download.
 */
public final class DjlRuntime {

    private static volatile boolean configured;
    /** Null until {@link #configureDevice} runs: then DXMI_DEVICE, else "auto". */
    private static volatile String deviceChoice;

    private DjlRuntime() {}

    /**
     * Sets offline mode and the intra-/inter-op thread counts (1 is fastest on 2 shared cores,
     * see the README's benchmarks) unless the caller already set them as system properties.
     */
    public static synchronized void configure(int threads) {
        if (configured) {
            return;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.default_engine", "PyTorch");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getEngine("PyTorch");
        noGradientsOnThisThread();
        configured = true;
    }

    /**
     * Sets the intra-op thread count, overriding DXMI_THREADS and the launcher's system property;
     * must run before the engine starts.
     */
    public static synchronized void configureThreads(int threads) {
        if (configured) {
            throw new IllegalStateException("the engine has already started with its thread count");
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        configure(threads);
    }

    /** Thread count from DXMI_THREADS, else 1. */
    public static void configureFromEnvironment() {
        String env = System.getenv("DXMI_THREADS");
        int threads = 1;
        if (env != null && !env.isBlank()) {
            try {
                threads = Integer.parseInt(env.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("DXMI_THREADS must be a whole number, got '" + env + "'");
            }
        }
        configure(threads);
    }

    /**
     * Turns PyTorch's gradient recording off for the calling thread. Grad mode is thread-local and
     * on by default in every new thread: without this, inference on a worker thread would record
     * graphs (memory) and an in-place write to a weight (loading a snapshot, the EMA) would be
     * refused. Gradient collectors turn it on for their own duration.
     */
    public static void noGradientsOnThisThread() {
        JniUtils.setGradMode(false);
    }

    /**
     * Runs {@code work} with gradient recording off on the calling thread and restores the
     * thread's previous mode after it. Inference that may run where grad mode is on (a new thread,
     * or inside a recorder) must not record: a chain of states would keep every step's graph alive.
     */
    public static <T> T withoutGradients(Supplier<T> work) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Whether PyTorch records gradients (builds graphs) on the calling thread now. */
    public static boolean recordsGradientsOnThisThread() {
        return JniUtils.isGradMode();
    }

    /**
     * Chooses where models live: "cpu", "gpu", or "auto" (the default: the GPU when the engine
     * sees one). Every model's tensors are created on this device; nothing else in the project
     * assumes the CPU.
     */
    public static void configureDevice(String choice) {
        deviceChoice = parseDevice(choice, "device");
    }

    private static String parseDevice(String choice, String what) {
        String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
        if (!c.equals("cpu") && !c.equals("gpu") && !c.equals("auto")) {
            throw new IllegalArgumentException("unknown " + what + " '" + choice + "' (expected cpu, gpu or auto)");
        }
        return c;
    }

    /**
     * The device chosen by {@link #configureDevice}, else by the DXMI_DEVICE environment variable, else "auto".
     *
     * @throws IllegalArgumentException when DXMI_DEVICE names no device
     * @throws IllegalStateException when "gpu" was asked for and the engine sees none
     */
    public static Device device() {
        configureFromEnvironment();
        Engine engine = Engine.getEngine("PyTorch");
        String choice = deviceChoice;
        if (choice == null) {
            String env = System.getenv("DXMI_DEVICE");
            choice = env == null || env.isBlank() ? "auto" : parseDevice(env, "DXMI_DEVICE");
        }
        switch (choice) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (engine.getGpuCount() == 0) {
                    throw new IllegalStateException("--device gpu: the PyTorch engine sees no GPU (CPU natives, or no"
                            + " CUDA driver); see the README's GPU section");
                }
                return Device.gpu();
            default:
                return engine.defaultDevice();
        }
    }

    /** The engine's version, for provenance. */
    public static String engineVersion() {
        Engine e = Engine.getEngine("PyTorch");
        return e.getEngineName() + " " + e.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
