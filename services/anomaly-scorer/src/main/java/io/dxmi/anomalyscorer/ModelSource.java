package io.dxmi.anomalyscorer;

/**
 * Where the scorer's models come from: it offers the first model to the {@link ScorerState}
 * before {@link #start} returns, then every newer one as it appears (loaded off the scoring
 * thread, swapped in between batches).
 */
interface ModelSource extends AutoCloseable {

    /** Offers the first model (blocking until it is loaded) and starts following newer ones. */
    void start(ScorerState state) throws Exception;

    @Override
    void close();
}
