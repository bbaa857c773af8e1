package io.dxmi.dashboard;

import io.dxmi.core.anomaly.BadFrameException;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.schemas.Frame;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;

/**
 * One kept camera frame: its header and bytes as they came, and, once asked for, the image a browser shows
 * ({@link FrameImages#viewable}: raw pixels as PNG, PNG and JPEG as they are), kept with the frame so that each
 * frame is encoded once however many pages ask. Immutable but for that cache.
 */
final class CameraFrame {

    final long frameId;
    final long captureMicros;
    final String encoding;
    final int width;
    final int height;
    final int channels;
    private final byte[] data;
    private FrameImages.ViewableImage viewable;
    private String fault;

    private CameraFrame(Frame f, byte[] data) {
        this.frameId = f.getFrameId();
        this.captureMicros = f.getCaptureTimeMicros();
        this.encoding = f.getEncoding();
        this.width = f.getWidth();
        this.height = f.getHeight();
        this.channels = f.getChannels();
        this.data = data;
    }

    /** The frame, its bytes copied out of the record. */
    static CameraFrame of(Frame f) {
        ByteBuffer b = f.getData().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new CameraFrame(f, bytes);
    }

    int bytes() {
        return data.length;
    }

    /** The image to serve: encoded on the first call (off the event loop), then kept. */
    synchronized FrameImages.ViewableImage viewable() throws BadFrameException {
        if (viewable == null && fault == null) {
            try {
                viewable = FrameImages.viewable(encoding, data, width, height, channels);
            } catch (BadFrameException e) {
                fault = e.getMessage();
                throw e;
            }
        }
        if (fault != null) {
            throw new BadFrameException(BadFrameException.Kind.CORRUPT, fault);
        }
        return viewable;
    }

    /** The frame's header as the page shows it. */
    JsonObject toJson(boolean matchesScore) {
        return new JsonObject().put("frame_id", frameId).put("capture_time_us", captureMicros)
                .put("encoding", encoding).put("width", width).put("height", height).put("channels", channels)
                .put("bytes", data.length).put("matches_score", matchesScore);
    }
}
