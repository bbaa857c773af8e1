package io.dxmi.core.scratch;

import io.dxmi.core.data.*;
import io.dxmi.core.diffusion.*;
import io.dxmi.core.dxmi.*;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.eval.*;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class DxmiProbeTest {
    @Test void probe() {
        DjlRuntime.configure(1);
        DataSource ds = ToyDatasets.byName("8gaussians");
        int pre = Integer.getInteger("probe.pre", 5000), its = Integer.getInteger("probe.its", 1000);
        long t0 = System.nanoTime();
        DdpmModel m = new DdpmPretrainer(PretrainConfig.defaults().withIterations(pre), (p,d,t,mm)->{})
            .train(2, Normalization.identity(2), ds::sample);
        System.out.printf("pretrain %.1fs%n", (System.nanoTime()-t0)/1e9);
        Evaluator ev = Evaluator.builder().setData(ds).optRepeats(2).build();
        System.out.println("DDPM T=5 derived SW " + ev.slicedWasserstein((n,r)->m.sample(n,5,r)));
        DxmiConfig c = DxmiConfig.builder().optIterations(its).build();
        try (DxmiModel dm = DxmiModel.fromPretrained(c, m, new Rng(7))) {
            DxmiTrainer tr = new DxmiTrainer(dm, ds::sample);
            System.out.println("init SW " + ev.slicedWasserstein(dm::sample));
            long t1 = System.nanoTime();
            for (int i = 0; i < its; i++) {
                IterationStats s = tr.step();
                if ((i+1) % (its/5) == 0) {
                    double el = (System.nanoTime()-t1)/1e9;
                    System.out.printf("it %d %.1f it/s E=%.4f V=%.4f P=%.4f sig=%s s2=%s skip=%d%n", i+1, (i+1)/el, s.energyLoss(), s.valueLoss(), s.policyLoss(),
                        java.util.Arrays.toString(s.sigmas()), java.util.Arrays.toString(s.velocityScales()), tr.skippedUpdates());
                    System.out.println("  " + ev.evaluate(dm::sample, dm::energy) + " rawAUC " + ev.energyAuc(x -> dm.energy(x, dm.values())));
                    t1 += 0; 
                }
            }
        }
        m.close();
    }
}
