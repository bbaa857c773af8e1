package io.dxmi.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ordered set of named, trainable float32 tensors owned by one manager.
 *
 * <p>Networks in this project keep their weights here rather than in DJL blocks so that the
 * optimizer state, EMA copies and checkpoints can address every tensor by a stable name.
 */
public final class ParameterSet {

    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();

    public ParameterSet(NDManager manager) {
        this.manager = manager;
    }

    public NDManager getManager() {
        return manager;
    }

    /** Adds a parameter with the given initial values; it records gradients from now on. */
    public NDArray add(String name, Shape shape, float[] values) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter name " + name);
        }
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(
                    "parameter " + name + " has shape " + shape + " but " + values.length + " values");
        }
        NDArray array = OwnedArrays.create(manager, values, shape);
        array.setName(name);
        array.setRequiresGradient(true);
        arrays.put(name, array);
        return array;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; have " + arrays.keySet());
        }
        return a;
    }

    /** Read-only view in insertion order. */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Total number of scalar weights. */
    public long size() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.size();
        }
        return n;
    }

    /** Copies every tensor's values out to Java arrays (name → values), in order. */
    public LinkedHashMap<String, float[]> toFloatArrays() {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /** Shapes of every tensor, in order. */
    public LinkedHashMap<String, Shape> shapes() {
        LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            out.put(e.getKey(), e.getValue().getShape());
        }
        return out;
    }

    /**
     * Overwrites every tensor from {@code values} (names must match exactly; shapes must fit).
     * Used by checkpoint loading and snapshot distribution.
     */
    public void load(Map<String, float[]> values) {
        if (!values.keySet().equals(arrays.keySet())) {
            throw new IllegalArgumentException(
                    "parameter names differ: expected " + arrays.keySet() + " but got " + values.keySet());
        }
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            float[] v = values.get(e.getKey());
            NDArray target = e.getValue();
            if (v.length != target.size()) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has " + target.size()
                        + " values but the source has " + v.length);
            }
            OwnedArrays.copyInto(target, v);
        }
    }

    /** Copies the values of another set with the same names and shapes (no gradient link). */
    public void copyFrom(ParameterSet other) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            OwnedArrays.copyInto(e.getValue(), other.get(e.getKey()));
        }
    }

    /** this ← decay·this + (1 − decay)·other, in place; for evaluation-only EMA copies. */
    public void emaUpdate(ParameterSet other, float decay) {
        DjlRuntime.noGradientsOnThisThread();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray mine = e.getValue();
            try (NDArray scaled = OwnedArrays.mul(other.get(e.getKey()), 1f - decay)) {
                OwnedArrays.muli(mine, decay).addi(scaled);
            }
        }
    }

    /** True when every value of every tensor is finite. One device sync. */
    public boolean allFinite() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray total = null;
            for (NDArray a : arrays.values()) {
                // x·0 is 0 for finite x and NaN for NaN/±inf; summing the raw values instead
                // could overflow to infinity with finite weights.
                NDArray zero = OwnedArrays.mul(a, 0f);
                zero.attach(scope);
                NDArray s = zero.sum();
                total = total == null ? s : total.add(s);
                total.attach(scope);
            }
            if (total == null) {
                return true;
            }
            float v = total.toType(DataType.FLOAT32, false).getFloat();
            return Float.isFinite(v);
        }
    }

    /**
     * Zeroes recorded gradients (autograd accumulates across backward passes). Overwrites rather
     * than multiplies by 0, since NaN·0 = NaN would keep a non-finite gradient forever.
     */
    public void zeroGradients() {
        // The indexer allocates its fill value in the gradient's manager: keep both in a scope.
        try (NDManager scope = manager.newSubManager()) {
            for (NDArray a : arrays.values()) {
                if (a.hasGradient()) {
                    NDArray g = a.getGradient();
                    g.attach(scope);
                    g.set(new NDIndex("..."), 0f);
                }
            }
        }
    }
}
