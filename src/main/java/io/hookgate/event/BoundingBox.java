package io.hookgate.event;

import java.util.List;

/**
 * An axis-aligned box in normalized image coordinates: origin top-left, every value a fraction of the
 * image's width or height, so {@code width * height} is the share of the image the box covers. Boxes are
 * clipped to the image: a box drawn past an edge covers only the part inside it, and every value is in 0..1.
 */
public record BoundingBox(double x, double y, double width, double height) {

  public double area() {
    return width * height;
  }

  /**
   * The box enclosing the given normalized points, as Kili's {@code normalizedVertices}; null for none, and
   * null when a point lies more than a whole image away from it: such values are not fractions of the image
   * (Kili's geospatial labels carry longitude and latitude there), and clipping them would make up a box.
   */
  public static BoundingBox enclosing(List<double[]> points) {
    for (double[] p : points) {
      if (!(p[0] >= -1 && p[0] <= 2 && p[1] >= -1 && p[1] <= 2)) {
        return null;
      }
    }
    return enclosing(points, 1, 1);
  }

  /**
   * The box enclosing the given points in pixels (V7's polygon paths), made relative to an image of the
   * given size; null for no points or an image without a size.
   */
  public static BoundingBox enclosing(List<double[]> points, double imageWidth, double imageHeight) {
    if (points.isEmpty()) {
      return null;
    }
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (double[] p : points) {
      minX = Math.min(minX, p[0]);
      maxX = Math.max(maxX, p[0]);
      minY = Math.min(minY, p[1]);
      maxY = Math.max(maxY, p[1]);
    }
    return ofPixels(minX, minY, maxX - minX, maxY - minY, imageWidth, imageHeight);
  }

  /** A box in pixels (left, top, width, height) made relative to an image of the given size; null without a size. */
  public static BoundingBox ofPixels(double x, double y, double w, double h, double imageWidth, double imageHeight) {
    if (!(imageWidth > 0) || !(imageHeight > 0) || !Double.isFinite(x + y + w + h)) {
      return null;
    }
    double left = clip(x / imageWidth);
    double top = clip(y / imageHeight);
    double right = clip((x + w) / imageWidth);
    double bottom = clip((y + h) / imageHeight);
    return new BoundingBox(round(left), round(top), round(Math.max(0, right - left)), round(Math.max(0, bottom - top)));
  }

  private static double clip(double v) {
    return Math.min(1, Math.max(0, v));
  }

  /** Rounds away binary noise (0.82 - 0.15 = 0.6699999999999999) so that consumers see the numbers they sent. */
  static double round(double v) {
    return Math.round(v * 1e9) / 1e9;
  }
}
