package dev.vxlab.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTlsTest {
    @TempDir
    Path dir;

    private Path pem(String type, byte[] der) throws Exception {
        Path f = dir.resolve(type.replace(' ', '_') + ".pem");
        Files.writeString(f, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n");
        return f;
    }

    @Test
    void pkcs8KeysOfEachAlgorithmAreRead() throws Exception {
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            KeyPair kp = g.generateKeyPair();
            PrivateKey read = PemTls.privateKey(pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            assertEquals(kp.getPrivate(), read, alg);
        }
    }

    @Test
    void olderKeyFormsAreRefusedWithTheConversionCommand() throws Exception {
        Path rsa = pem("RSA PRIVATE KEY", new byte[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemTls.privateKey(rsa));
        assertTrue(e.getMessage().contains("RSA PRIVATE KEY") && e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
        Path cert = pem("CERTIFICATE", new byte[] {1});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemTls.privateKey(cert)).getMessage().contains("no PEM private key"));
    }

    @Test
    void aCaFileWithoutCertificatesIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("ca.pem"), "nothing here\n");
        assertThrows(IllegalArgumentException.class, () -> PemTls.socketFactory(empty, null, null));
    }
}
