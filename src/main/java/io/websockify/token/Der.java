package io.websockify.token;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough ASN.1 DER to re-wrap PEM keys the JDK cannot read directly (PKCS#1 and SEC1) into the PKCS#8 and
 * X.509 forms it can, and to find the public point stored in an EC private key. Not a general parser. Stateless.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} and {@code [1]}, explicitly tagged (constructed): SEC1's parameters and public key. */
    static final int CONTEXT_0 = 0xA0;
    static final int CONTEXT_1 = 0xA1;

    /** rsaEncryption (1.2.840.113549.1.1.1) with its NULL parameters. */
    static final byte[] RSA_ALGORITHM = encode(SEQUENCE,
            new byte[] {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01},
            new byte[] {0x05, 0x00});
    /** id-ecPublicKey (1.2.840.10045.2.1), without the curve. */
    static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

    /** One element: its tag and where its content lies in {@code buf}. */
    record Element(int tag, byte[] buf, int offset, int start, int length) {
        int end() {
            return start + length;
        }

        byte[] content() {
            return Arrays.copyOfRange(buf, start, end());
        }

        /** The whole element, tag and length included. */
        byte[] encoded() {
            return Arrays.copyOfRange(buf, offset, end());
        }

        /** The elements inside a constructed element. */
        List<Element> children() {
            List<Element> out = new ArrayList<>();
            int at = start;
            while (at < start + length) {
                Element e = read(buf, at, start + length);
                out.add(e);
                at = e.end();
            }
            return out;
        }

        Element child(int tag) {
            for (Element e : children()) {
                if (e.tag() == tag) {
                    return e;
                }
            }
            return null;
        }
    }

    private Der() {
    }

    static Element read(byte[] buf) {
        return read(buf, 0, buf.length);
    }

    /** @throws IllegalArgumentException when the bytes are not DER */
    static Element read(byte[] buf, int offset, int limit) {
        if (offset + 2 > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        int tag = buf[offset] & 0xff;
        int first = buf[offset + 1] & 0xff;
        int at = offset + 2;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 4 || at + n > limit) {
                throw new IllegalArgumentException("bad DER length");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (buf[at++] & 0xff);
            }
        }
        if (length < 0 || at + length > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        return new Element(tag, buf, offset, at, length);
    }

    /** One element with the given tag whose content is the concatenation of {@code parts}. */
    static byte[] encode(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int len = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + 6);
        out.write(tag);
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = len < 0x100 ? 1 : len < 0x10000 ? 2 : len < 0x1000000 ? 3 : 4;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
