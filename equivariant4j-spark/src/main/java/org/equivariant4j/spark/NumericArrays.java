package org.equivariant4j.spark;

import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/**
 * Spark's array data of any numeric element type (in its internal row format) read as doubles: the element type's own
 * widening (byte, short, int, long, float, double), decimals exactly as {@link java.math.BigDecimal#doubleValue}. The one
 * reader the contents check and the scorer share.
 */
final class NumericArrays {
    private NumericArrays() {}

    /** The index of the first null among the first {@code len} elements, or -1. */
    static int firstNull(ArrayData a, int len) {
        for (int k = 0; k < len; k++) {
            if (a.isNullAt(k)) {
                return k;
            }
        }
        return -1;
    }

    /** "column C has a null element (number k of len in a row)" for the first null of the first {@code len}, or null. */
    static String nullElement(String column, ArrayData a, int len) {
        int k = firstNull(a, len);
        return k < 0 ? null : "column " + column + " has a null element (number " + k + " of " + len + " in a row)";
    }

    /**
     * Copies the first {@code len} elements of {@code a} (no nulls among them: see {@link #firstNull}) to
     * {@code to[at], …, to[at + len − 1]}.
     */
    static void read(ArrayData a, DataType element, int len, double[] to, int at) {
        if (element instanceof FloatType) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getFloat(k);
            }
        } else if (element instanceof DoubleType) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getDouble(k);
            }
        } else if (element instanceof IntegerType) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getInt(k);
            }
        } else if (element instanceof LongType) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getLong(k);
            }
        } else if (element instanceof ShortType) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getShort(k);
            }
        } else if (element instanceof ByteType) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getByte(k);
            }
        } else if (element instanceof DecimalType d) {
            for (int k = 0; k < len; k++) {
                to[at + k] = a.getDecimal(k, d.precision(), d.scale()).toJavaBigDecimal().doubleValue();
            }
        } else {
            throw new IllegalArgumentException("expected an array of numbers, got elements of type " + element.simpleString());
        }
    }
}
