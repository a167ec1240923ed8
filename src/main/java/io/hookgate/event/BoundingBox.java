package io.hookgate.event;

import java.util.List;

/**
 * An axis-aligned box in normalized image coordinates: origin top-left, every value a fraction of the
 * image's width or height, so {@code width * height} is the share of the image the box covers.
 */
public record BoundingBox(double x, double y, double width, double height) {

  public double area() {
    return width * height;
  }

  /** The box enclosing the given normalized points, as Kili's {@code normalizedVertices}. */
  public static BoundingBox enclosing(List<double[]> points) {
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
    return new BoundingBox(round(minX), round(minY), round(maxX - minX), round(maxY - minY));
  }

  /** A box in pixels made relative to an image of the given size. */
  public static BoundingBox ofPixels(double x, double y, double w, double h, double imageWidth, double imageHeight) {
    return new BoundingBox(round(x / imageWidth), round(y / imageHeight), round(w / imageWidth), round(h / imageHeight));
  }

  /** Rounds away binary noise (0.82 - 0.15 = 0.6699999999999999) so that consumers see the numbers they sent. */
  static double round(double v) {
    return Math.round(v * 1e9) / 1e9;
  }
}
