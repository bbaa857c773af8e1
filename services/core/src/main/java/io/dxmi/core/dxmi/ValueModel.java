package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.index.NDIndex;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.TimeNetwork;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

/**
 * The energy E(x) and the value V(x, t), t = 0…T, with V(·, T) ≡ E, either as one shared
 * network or as two networks ({@link ValueSharing}). For vectors every network is a
 * time-conditioned MLP (the shared one's slot T is the energy). For images the shared network is
 * a time-independent convolutional energy (V(x, t) = E(x), the official CIFAR-10 setting), and
 * the separate variant pairs a time-conditioned value with a time-independent energy.
 */
public final class ValueModel {

    /** Parameter-name prefix of the value network (the shared one too). */
    public static final String VALUE_PREFIX = "value.";
    /** Parameter-name prefix of the separate energy network. */
    public static final String ENERGY_PREFIX = "energy.";

    private final ValueSharing sharing;
    private final int steps;
    private final TimeNetwork value;
    private final TimeNetwork energy;

    /**
     * @param network the value network's shape (the shared network's too)
     * @param energyNetwork the separate energy network's shape (ignored when shared)
     */
    public ValueModel(ValueSharing sharing, int steps, SampleShape shape, NetworkConfig network,
            NetworkConfig energyNetwork, NDManager manager, Rng rng) {
        this(sharing, steps, network.scalar(shape, sharing == ValueSharing.SEPARATE, VALUE_PREFIX, manager, rng),
                sharing == ValueSharing.SEPARATE ? energyNetwork.scalar(shape, false, ENERGY_PREFIX, manager, rng)
                        : null);
    }

    private ValueModel(ValueSharing sharing, int steps, TimeNetwork value, TimeNetwork energy) {
        this.sharing = sharing;
        this.steps = steps;
        this.value = value;
        this.energy = energy;
    }

    /** A second model of the same shape (for example the evaluation-only EMA copy), same values. */
    public ValueModel copy(NDManager manager, NetworkConfig network, NetworkConfig energyNetwork, SampleShape shape) {
        ValueModel c = new ValueModel(sharing, steps, shape, network, energyNetwork, manager, new Rng(0));
        c.valueParameters().copyFrom(valueParameters());
        if (energy != null) {
            c.energyParameters().copyFrom(energyParameters());
        }
        return c;
    }

    public ValueSharing sharing() {
        return sharing;
    }

    public int steps() {
        return steps;
    }

    /** The parameters the energy loss trains (the shared network, or the energy network). */
    public ParameterSet energyParameters() {
        return energy != null ? energy.parameters() : value.parameters();
    }

    /** The parameters the TD loss trains. */
    public ParameterSet valueParameters() {
        return value.parameters();
    }

    /** Network time of value slot t: spread over 0…1000 like the diffusion times. */
    public double networkTime(int t) {
        return t * 1000.0 / steps;
    }

    /** E(x): (n, shape…) → (n, 1). */
    public NDArray energy(NDArray x) {
        return energyNetwork().forward(x, energyTime(x));
    }

    /**
     * The features a density over the energy network reads, (n, F).
     *
     * @throws UnsupportedOperationException when the energy network has no feature head (vector networks)
     */
    public NDArray energyFeatures(NDArray x) {
        return energyNetwork().features(x, energyTime(x));
    }

    /** The widths of the blocks {@link #energyFeatures} divides into, for inputs shaped like {@code x}. */
    public int[] energyFeatureBlocks(NDArray x) {
        return energyNetwork().featureBlocks(x, energyTime(x));
    }

    private TimeNetwork energyNetwork() {
        return energy != null ? energy : value;
    }

    /** The time embedding of the energy's slot (T), one row per sample of {@code x}. */
    private NDArray energyTime(NDArray x) {
        int n = (int) x.getShape().get(0);
        TimeNetwork net = energyNetwork();
        return OwnedArrays.create(x.getManager(), net.embedding().embedRepeated(networkTime(steps), n),
                new Shape(n, net.embedding().dimension()));
    }

    /** V(x, t) for one t in 0…T: (n, shape…) → (n, 1). */
    public NDArray value(NDArray x, int t) {
        if (t == steps) {
            return energy(x);
        }
        NDManager m = x.getManager();
        int n = (int) x.getShape().get(0);
        NDArray emb = OwnedArrays.create(m, value.embedding().embedRepeated(networkTime(t), n),
                new Shape(n, value.embedding().dimension()));
        return value.forward(x, emb);
    }

    /**
     * V(x, t) for stacked groups: rows [g·n, (g+1)·n) are evaluated at slot {@code firstSlot + g}.
     * One network call per network.
     */
    public NDArray valueOfGroups(NDArray x, int groups, int n, int firstSlot) {
        NDManager m = x.getManager();
        int lastSlot = firstSlot + groups - 1;
        boolean lastIsEnergy = lastSlot == steps && energy != null;
        int valueGroups = lastIsEnergy ? groups - 1 : groups;
        NDArray out = null;
        if (valueGroups > 0) {
            int e = value.embedding().dimension();
            float[] emb = new float[valueGroups * n * e];
            for (int g = 0; g < valueGroups; g++) {
                float[] rows = value.embedding().embedRepeated(networkTime(firstSlot + g), n);
                System.arraycopy(rows, 0, emb, g * n * e, n * e);
            }
            NDArray xv = lastIsEnergy ? x.get(new NDIndex("0:{}", valueGroups * n)) : x;
            out = value.forward(xv, OwnedArrays.create(m, emb, new Shape((long) valueGroups * n, e)));
        }
        if (lastIsEnergy) {
            NDArray en = energy(x.get(new NDIndex("{}:", valueGroups * n)));
            out = out == null ? en : NDArrays.concat(new NDList(out, en));
        }
        return out;
    }
}
