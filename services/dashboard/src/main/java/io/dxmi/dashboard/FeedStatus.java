package io.dxmi.dashboard;

import io.vertx.core.json.JsonObject;

/**
 * What the cameras feed can see right now, as the view's status line: whether the broker answers, whether the
 * scores and frames topics exist, and one line that says what that means for the view.
 *
 * @param state {@code ok}, {@code no_frames} (scores but no frames topic), {@code no_scores} (frames but no scores
 *     topic), {@code no_topics}, {@code broker_unreachable}, or {@code starting}
 * @param message one line for the page
 * @param sinceMillis when this state began
 */
record FeedStatus(String state, String message, boolean broker, boolean scoresTopic, boolean framesTopic,
        long sinceMillis) {

    static FeedStatus starting() {
        return new FeedStatus("starting", "connecting to Kafka…", false, false, false, System.currentTimeMillis());
    }

    static FeedStatus unreachable(String servers, String why) {
        return new FeedStatus("broker_unreachable", "Kafka at " + servers + " does not answer (" + why
                + "); showing what was read before, retrying", false, false, false, System.currentTimeMillis());
    }

    /** The status given which topics exist. */
    static FeedStatus topics(String scores, boolean scoresExists, String frames, boolean framesExists) {
        String state;
        String message;
        if (scoresExists && framesExists) {
            state = "ok";
            message = "reading " + scores + " and " + frames;
        } else if (scoresExists) {
            state = "no_frames";
            message = "the frames topic " + frames + " does not exist: scores without images";
        } else if (framesExists) {
            state = "no_scores";
            message = "the scores topic " + scores + " does not exist: is an anomaly scorer running?"
                    + " Frames without scores";
        } else {
            state = "no_topics";
            message = "neither " + scores + " nor " + frames + " exists yet: waiting for cameras and a scorer";
        }
        return new FeedStatus(state, message, true, scoresExists, framesExists, System.currentTimeMillis());
    }

    /** The same state and message (the time aside). */
    boolean sameAs(FeedStatus o) {
        return state.equals(o.state) && message.equals(o.message);
    }

    boolean healthy() {
        return "ok".equals(state);
    }

    JsonObject toJson() {
        return new JsonObject().put("state", state).put("message", message).put("broker", broker)
                .put("scores_topic", scoresTopic).put("frames_topic", framesTopic).put("since", sinceMillis);
    }
}
