package dev.vxlab.core.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** etcd's "every key that starts with a prefix" as the key and range end its API takes (etcdctl's --prefix). */
public final class KeyRange {
    private KeyRange() {
    }

    /** etcd's range end for a prefix: the prefix with its last byte below 0xff incremented, the rest cut. */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if ((prefix[i] & 0xff) != 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0}; // all 0xff: to the end of the key space
    }

    /** The base64 of {@code s}'s UTF-8 bytes, as the JSON gateway carries keys and values. */
    public static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The UTF-8 text behind a base64 field of the gateway ({@code null} or absent: the empty string, as etcd omits empty values). */
    public static String text(Object b64) {
        return b64 == null ? "" : new String(Base64.getDecoder().decode(String.valueOf(b64)), StandardCharsets.UTF_8);
    }

    /** The base64 range end of {@code prefix}. */
    public static String b64PrefixEnd(String prefix) {
        return b64(prefixEnd(prefix.getBytes(StandardCharsets.UTF_8)));
    }
}
