package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class TripletTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"2147483648; '2147483648': 2147483648 is out of range (at most 2147483647)",
        "4,4,1e10; '4,4,1e10': 10000000000 is out of range (at most 2147483647)",
        "Infinity; 'Infinity': Infinity is out of range (at most 2147483647)",
        "-2147483649,1,1; '-2147483649,1,1': -2147483649 is out of range (at most 2147483647)"})
    void wholeNumbersOutsideIntRangeAreRefusedNotClamped(String value, String message) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> Triplet.ints(value));
        assertEquals(message, e.getMessage());
        assertArrayEquals(new int[] {3, 2, Integer.MAX_VALUE}, Triplet.ints("2147483647,2,3"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"0,4,4; '0,4,4': 0 is not a size", "4,-4,40; '4,-4,40': -4 is not a size",
        "NaN; 'NaN': NaN is not a size", "4,4,Infinity; '4,4,Infinity': Infinity is not a size"})
    void voxelSizesMustBeAboveZero(String value, String message) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> Triplet.positiveDoubles(value));
        assertEquals(message + "; each of x,y,z must be a number above 0", e.getMessage());
        assertArrayEquals(new double[] {40, 4, 4.5}, Triplet.positiveDoubles("4.5,4,40"));
    }
}
