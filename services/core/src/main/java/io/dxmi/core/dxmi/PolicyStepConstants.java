package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.OwnedArrays;

/**
 * The constants of the policy step over the buffer (m rows of each of the T steps, step-major):
 * each row's time embedding, its step's coefficients a_k and b_k, and a one-hot of its step (to
 * pick its σ). Built once per trainer, since they depend only on T and m; they live in a
 * sub-manager of the model's, as long as the model.
 */
final class PolicyStepConstants {

    private final NDArray embedding;
    private final NDArray a;
    private final NDArray b;
    private final NDArray stepOneHot;

    PolicyStepConstants(DxmiModel model, int rowsPerStep) {
        FewStepSampler s = model.sampler();
        int steps = s.steps();
        int m = rowsPerStep;
        int e = s.network().embedding().dimension();
        float[] emb = new float[steps * m * e];
        float[] ac = new float[steps * m];
        float[] bc = new float[steps * m];
        float[] oneHot = new float[steps * m * steps];
        for (int k = 0; k < steps; k++) {
            System.arraycopy(s.timeEmbedding(k, m), 0, emb, k * m * e, m * e);
            for (int i = 0; i < m; i++) {
                int row = k * m + i;
                ac[row] = s.coefficients().a(k);
                bc[row] = s.coefficients().b(k);
                oneHot[row * steps + k] = 1f;
            }
        }
        NDManager manager = model.manager().newSubManager();
        long rows = (long) steps * m;
        embedding = OwnedArrays.create(manager, emb, new Shape(rows, e));
        a = OwnedArrays.create(manager, ac, new Shape(model.shape().column(rows)));
        b = OwnedArrays.create(manager, bc, new Shape(model.shape().column(rows)));
        stepOneHot = OwnedArrays.create(manager, oneHot, new Shape(rows, steps));
    }

    /**
     * Lends the constants to a step's scope: DJL places an operation's result in its first
     * operand's manager, so that nothing computed from them outlives the scope.
     */
    void lendTo(NDManager scope) {
        embedding.tempAttach(scope);
        a.tempAttach(scope);
        b.tempAttach(scope);
        stepOneHot.tempAttach(scope);
    }

    /** (T·m, embedding): row r's time embedding. */
    NDArray embedding() {
        return embedding;
    }

    /** (T·m, 1, …, 1): a_k of row r's step. */
    NDArray a() {
        return a;
    }

    /** (T·m, 1, …, 1): b_k of row r's step. */
    NDArray b() {
        return b;
    }

    /** (T·m, T): one-hot of row r's step. */
    NDArray stepOneHot() {
        return stepOneHot;
    }
}
