package io.dxmi.cli;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.ShapeTransform;
import java.util.List;

/** The {@code --density-views} setting of the commands that fit a feature density: its default and its parsing. */
final class DensityViews {

    /** The default, as the option shows it. */
    static final String DEFAULT = ShapeTransform.viewsLabel(FeatureDensity.DEFAULT_VIEWS);

    /** The layouts a user may name, as the options' help lists them (a constant: annotations need one). */
    static final String KNOWN = "roll, flip, rot180, rot90, rot270";

    private DensityViews() {}

    /** {@code none} or a comma-separated list of layouts; a usage error names an unknown one. */
    static List<ShapeTransform> parse(String value) {
        try {
            return ShapeTransform.parseViews(value);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--density-views: " + e.getMessage(), e);
        }
    }

    /** {@link #parse(String)} for images of {@code shape}: a turn by 90° of images that are not square is refused. */
    static List<ShapeTransform> parse(String value, SampleShape shape) {
        List<ShapeTransform> views = parse(value);
        try {
            ShapeTransform.requireFit(views, shape.height(), shape.width());
        } catch (IllegalArgumentException e) {
            throw new UsageError("--density-views: " + e.getMessage(), e);
        }
        return views;
    }
}
