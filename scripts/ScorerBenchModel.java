import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.anomaly.Calibrator;
import io.dxmi.core.anomaly.EnergyMaps;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.job.DataPreparation;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * For scripts/bench-scorer. What the scorer computes per frame depends on the energy network's
 * shape, not on its weights, so the load benchmark scores with an untrained model of the
 * detection configuration (separate networks; the energy a time-independent convolutional
 * network of width CHANNELS) on 1×SIZE×SIZE images, calibrated by hand.
 *
 *   model DIR [SIZE] [CHANNELS] [SEED]   writes the model directory (and DIR/frames.csv: 200 images)
 *   cost DIR [ROUNDS]                     prints the scoring CPU time per batch, energies alone and with maps
 */
public class ScorerBenchModel {

    public static void main(String[] args) throws Exception {
        DjlRuntime.configure(1);
        Path dir = Path.of(args[1]);
        if ("model".equals(args[0])) {
            int size = args.length > 2 ? Integer.parseInt(args[2]) : 28;
            int channels = args.length > 3 ? Integer.parseInt(args[3]) : 32;
            long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
            write(dir, size, channels, seed);
        } else {
            cost(dir, args.length > 2 ? Integer.parseInt(args[2]) : 30);
        }
    }

    static void write(Path dir, int size, int channels, long seed) throws Exception {
        SampleShape shape = SampleShape.image(1, size, size);
        DxmiConfig cfg = DxmiConfig.imageBuilder().optValueSharing(ValueSharing.SEPARATE).optGamma(0)
                .optEnergyClipNorm(0.1f).optNetwork(NetworkConfig.of(new ConvEnergyConfig(channels, false, 32)))
                .optSeed(seed).build();
        PretrainConfig sampler = PretrainConfig.imageDefaults();
        Rng rng = new Rng(seed);
        float[] frames = rng.uniforms(200 * shape.size(), 0f, 1f);
        CsvDataset data = CsvDataset.of("bench-" + size, frames, shape.size());
        Files.createDirectories(dir);
        CsvDataset.write(dir.resolve("frames.csv"), frames, shape.size(), DataPreparation.columnNames(shape.size()));
        try (DxmiModel m = DxmiModel.untrained(cfg, sampler, shape, Normalization.pixels(shape.size()), rng)) {
            ModelStore.saveDxmi(dir, new DxmiTrainer(m, data::sample), imageInfo(data, shape), null);
            float[] e = m.energy(frames);
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (float v : e) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            String weights = ModelStore.loadDxmi(dir).manifest().path("provenance").path("weightsSha256").asText();
            CalibrationFile.write(dir, Calibrator.manual((lo + hi) / 2, lo, hi, weights));
        }
        System.out.println("model " + dir + ": 1x" + size + "x" + size + ", energy width " + channels);
    }

    private static DataInfo imageInfo(CsvDataset data, SampleShape shape) {
        DataInfo d = DataInfo.of(data);
        return new DataInfo(d.name(), d.dimension(), d.contentHash(), d.boxLo(), d.boxHi(), d.boxDescription(),
                shape.dims());
    }

    static void cost(Path dir, int rounds) throws Exception {
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        try (DxmiModel m = loaded.model()) {
            SampleShape shape = m.shape();
            System.out.println("| batch | energies (CPU ms/batch) | CPU ms/frame | energies + 8x8 maps (CPU ms/batch) | CPU ms/frame |");
            System.out.println("|---|---|---|---|---|");
            for (int batch : new int[] {1, 4, 16, 32, 64, 128, 256}) {
                float[] rows = new Rng(batch).uniforms(batch * shape.size(), 0f, 1f);
                double plain = time(rounds, () -> EnergyMaps.score(m, rows, shape, 0));
                double maps = time(rounds, () -> EnergyMaps.score(m, rows, shape, 8));
                System.out.println(String.format(Locale.ROOT, "| %d | %.2f | %.3f | %.2f | %.3f |", batch, plain,
                        plain / batch, maps, maps / batch));
            }
        }
    }

    /**
     * Median CPU milliseconds of one call on this thread, after as many warm-up calls. CPU time, not
     * wall time: with one PyTorch thread the operators run on the calling thread, and on a shared
     * machine the wall time mostly measures the other processes.
     */
    private static double time(int rounds, Runnable r) {
        for (int i = 0; i < rounds; i++) {
            r.run();
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[] t = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            r.run();
            t[i] = (cpu.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[rounds / 2];
    }
}
