package org.equivariant4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.junit.jupiter.api.Test;

/** Spark's numeric arrays, in both internal layouts, read as doubles; nulls found and named. No Spark session needed. */
class NumericArraysTest {

    @Test
    void everyNumericElementTypeReadsAsItsOwnValue() {
        double[] to = new double[4];
        NumericArrays.read(UnsafeArrayData.fromPrimitiveArray(new long[] {1L << 40, -3}), DataTypes.LongType, 2, to, 1);
        assertArrayEquals(new double[] {0, 1099511627776.0, -3, 0}, to, 0);
        NumericArrays.read(UnsafeArrayData.fromPrimitiveArray(new short[] {-7, 300}), DataTypes.ShortType, 2, to, 0);
        NumericArrays.read(UnsafeArrayData.fromPrimitiveArray(new byte[] {-128, 5}), DataTypes.ByteType, 2, to, 2);
        assertArrayEquals(new double[] {-7, 300, -128, 5}, to, 0);
        NumericArrays.read(UnsafeArrayData.fromPrimitiveArray(new float[] {0.1f, 2}), DataTypes.FloatType, 2, to, 0);
        NumericArrays.read(UnsafeArrayData.fromPrimitiveArray(new double[] {0.1, 1e300}), DataTypes.DoubleType, 2, to, 2);
        assertArrayEquals(new double[] {0.1f, 2, 0.1, 1e300}, to, 0);
        ArrayData decimals = new GenericArrayData(new Object[] {Decimal.apply(new BigDecimal("1.25")),
                Decimal.apply(new BigDecimal("-123456.78"))});
        NumericArrays.read(decimals, DataTypes.createDecimalType(10, 2), 2, to, 1);
        assertArrayEquals(new double[] {0.1f, 1.25, -123456.78, 1e300}, to, 0);
        NumericArrays.read(UnsafeArrayData.fromPrimitiveArray(new int[] {9, 8, 7}), DataTypes.IntegerType, 2, to, 0);
        assertArrayEquals(new double[] {9, 8, -123456.78, 1e300}, to, 0, "only the first len elements");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumericArrays.read(
                new GenericArrayData(new Object[] {"x"}), DataTypes.StringType, 1, new double[1], 0));
        assertTrue(e.getMessage().contains("expected an array of numbers, got elements of type string"), e.getMessage());
    }

    @Test
    void theFirstNullElementIsFoundAndNamed() {
        ArrayData withNull = new GenericArrayData(new Object[] {1.0, 2.0, null, null});
        assertEquals(2, NumericArrays.firstNull(withNull, 4));
        assertEquals(-1, NumericArrays.firstNull(withNull, 2), "a null beyond len does not count");
        assertEquals("column positions has a null element (number 2 of 4 in a row)",
                NumericArrays.nullElement("positions", withNull, 4));
        assertNull(NumericArrays.nullElement("positions", UnsafeArrayData.fromPrimitiveArray(new double[] {1, 2}), 2));
    }
}
