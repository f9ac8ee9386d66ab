package org.basin.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a user's "x,y,z" (or one number for all three axes) into a (z, y, x) array. */
public final class Triplet {
    private Triplet() {
    }

    public static final class Ints implements ITypeConverter<int[]> {
        @Override
        public int[] convert(String s) {
            double[] d = parse(s);
            int[] out = new int[3];
            for (int i = 0; i < 3; i++) {
                if (d[i] != Math.rint(d[i])) {
                    throw new TypeConversionException("'" + s + "' is not whole numbers x,y,z");
                }
                // a cast would clamp 2147483648 to 2147483647 without a word
                if (d[i] < Integer.MIN_VALUE || d[i] > Integer.MAX_VALUE) {
                    throw new TypeConversionException("'" + s + "': " + fmt(d[i]) + " is out of range (at most " + Integer.MAX_VALUE + ")");
                }
                out[i] = (int) d[i];
            }
            return out;
        }
    }

    public static final class Doubles implements ITypeConverter<double[]> {
        @Override
        public double[] convert(String s) {
            return parse(s);
        }
    }

    /** Sizes (voxel sizes): every number finite and above 0. */
    public static final class PositiveDoubles implements ITypeConverter<double[]> {
        @Override
        public double[] convert(String s) {
            double[] d = parse(s);
            for (double v : d) {
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new TypeConversionException("'" + s + "': " + fmt(v) + " is not a size; each of x,y,z must be a number above 0");
                }
            }
            return d;
        }
    }

    /** "x,y,z" or "n" to whole numbers (z, y, x); a clear picocli error otherwise. */
    public static int[] ints(String s) {
        return new Ints().convert(s);
    }

    /** "x,y,z" or "n" to whole numbers of at least 1 (z, y, x): chunk sizes; 0 or negative is a picocli error. */
    public static int[] positiveInts(String s) {
        int[] v = ints(s);
        for (int x : v) {
            if (x < 1) {
                throw new TypeConversionException("'" + s + "': " + x + " is not a size; each of x,y,z must be at least 1");
            }
        }
        return v;
    }

    /** "x,y,z" or "n" to numbers (z, y, x). */
    public static double[] doubles(String s) {
        return parse(s);
    }

    /** "x,y,z" or "n" to numbers above 0 (z, y, x): voxel sizes; 0, negative, NaN or infinite is a picocli error. */
    public static double[] positiveDoubles(String s) {
        return new PositiveDoubles().convert(s);
    }

    static double[] parse(String s) {
        String[] p = s.trim().split("\\s*,\\s*");
        try {
            if (p.length == 1) {
                double v = Double.parseDouble(p[0]);
                return new double[] {v, v, v};
            }
            if (p.length == 3) {
                // user writes x,y,z; arrays are (z, y, x)
                return new double[] {Double.parseDouble(p[2]), Double.parseDouble(p[1]), Double.parseDouble(p[0])};
            }
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + s + "' is not numbers x,y,z");
        }
        throw new TypeConversionException("'" + s + "' is not x,y,z (three comma-separated numbers)");
    }

    public static String xyz(int[] zyx) {
        return zyx[2] + "," + zyx[1] + "," + zyx[0];
    }

    public static String xyz(double[] zyx) {
        return fmt(zyx[2]) + "," + fmt(zyx[1]) + "," + fmt(zyx[0]);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e18 ? Long.toString((long) v) : Double.toString(v);
    }
}
