package io.dxmi.core.scratch;

import io.dxmi.core.diffusion.*;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class SpeedProbeTest {
    static float[] eight(int n, Rng r) {
        float[] o = new float[2*n];
        for (int i=0;i<n;i++){ int k=r.nextInt(8); double a=k*Math.PI/4;
          o[2*i]=(float)((4*Math.cos(a)+0.5*r.nextGaussian())/1.414); o[2*i+1]=(float)((4*Math.sin(a)+0.5*r.nextGaussian())/1.414);}
        return o;
    }
    @Test void probe() {
        DjlRuntime.configure(1);
        int iters = Integer.getInteger("probe.iters", 2000);
        PretrainConfig c = PretrainConfig.defaults().withIterations(iters);
        long t0 = System.nanoTime();
        DdpmModel m = new DdpmPretrainer(c, (p,d,t,mm)-> { if (d % (t/10)==0) System.out.println(p+" "+d+" "+mm); })
            .train(2, Normalization.identity(2), (n,r)->eight(n,r));
        double s = (System.nanoTime()-t0)/1e9;
        System.out.printf("pretrain %d its in %.1fs = %.1f it/s%n", iters, s, iters/s);
        for (int T : new int[]{5,10,100,1000}) {
            long t1=System.nanoTime();
            float[] x = m.sample(2000, T, new Rng(1));
            double r=0; for(int i=0;i<2000;i++) r+=Math.hypot(x[2*i],x[2*i+1]);
            System.out.printf("T=%d mean radius %.3f (%.2fs)%n", T, r/2000, (System.nanoTime()-t1)/1e9);
        }
        m.close();
    }
}
