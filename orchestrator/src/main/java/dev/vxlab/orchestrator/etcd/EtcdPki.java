package dev.vxlab.orchestrator.etcd;

import dev.vxlab.core.io.AtomicFiles;
import dev.vxlab.orchestrator.VxlabException;
import dev.vxlab.orchestrator.render.RenderedFile;
import dev.vxlab.orchestrator.spec.EtcdTls;
import dev.vxlab.orchestrator.spec.LabSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The lab's certificate authority and the certificates it signs ({@link EtcdTls#certificates}), as PEM files in one
 * directory of the lab's state: NAME.pem and NAME-key.pem (PKCS#8, mode 0600; the directory 0700). ECDSA P-256 with
 * SHA-256, which etcd (Go), the JDK and OpenSSL all take. {@link #ensure} makes only what is missing or no longer
 * right — a certificate signed by another CA, for other addresses, or with less than {@link #RENEW_BEFORE} left — so
 * a re-run changes nothing. Nothing here prints or logs a key.
 */
public final class EtcdPki {
    static final Duration CA_LIFE = Duration.ofDays(3650);
    static final Duration LEAF_LIFE = Duration.ofDays(825);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** Backdated so that a machine whose clock runs a little behind this one's still accepts a new certificate. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final Path dir;
    private final String lab;
    private final SecureRandom random = new SecureRandom();

    /** {@code dir}: the lab's pki directory; {@code lab}: its name, in the CA's name. */
    public EtcdPki(Path dir, String lab) {
        this.dir = dir;
        this.lab = lab;
    }

    /** The lab's pki directory in its state directory. */
    public static Path dir(Path stateDir) {
        return stateDir.resolve("pki");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + "-key.pem");
    }

    /** The names of the certificates made (the CA first when it was); empty when everything was in place. */
    public List<String> ensure(List<EtcdTls.Cert> wanted) {
        List<String> made = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            X509Certificate ca = readable(EtcdTls.CA_NAME);
            PrivateKey caKey;
            if (ca == null || !Files.isRegularFile(key(EtcdTls.CA_NAME)) || expiring(ca)) {
                KeyPair pair = keyPair();
                X500Name name = name("vxlab " + lab + " CA");
                X509v3CertificateBuilder b = builder(name, name, pair.getPublic(), CA_LIFE);
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
                ca = sign(b, pair.getPrivate());
                write(EtcdTls.CA_NAME, ca, pair.getPrivate());
                caKey = pair.getPrivate();
                made.add(EtcdTls.CA_NAME);
            } else {
                caKey = privateKey(key(EtcdTls.CA_NAME));
            }
            for (EtcdTls.Cert c : wanted) {
                X509Certificate have = readable(c.name());
                if (have != null && Files.isRegularFile(key(c.name())) && fits(have, ca, c)) {
                    continue;
                }
                KeyPair pair = keyPair();
                X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), name(c.commonName()),
                        pair.getPublic(), LEAF_LIFE);
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(c.server()
                        ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                        : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
                List<GeneralName> alt = new ArrayList<>();
                c.ips().forEach(ip -> alt.add(new GeneralName(GeneralName.iPAddress, ip)));
                c.dnsNames().forEach(d -> alt.add(new GeneralName(GeneralName.dNSName, d)));
                if (!alt.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
                }
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
                write(c.name(), sign(b, caKey), pair.getPrivate());
                made.add(c.name());
            }
            return made;
        } catch (IOException | java.io.UncheckedIOException | GeneralSecurityException | OperatorCreationException e) {
            throw new VxlabException("cannot make the lab's etcd certificates in " + dir + ": " + e.getMessage(),
                    "check that " + dir + " is writable; `vxlab down " + lab + "` and `vxlab up` again make a new CA", e);
        }
    }

    /**
     * The TLS files the agent on {@code node} reads ({@link EtcdTls#agentFiles}): the lab's CA and the node's own
     * client certificate and key (0600) that vxlab signed, or for an external etcd the spec's files; none with TLS off.
     */
    public static List<RenderedFile> nodeFiles(LabSpec spec, Path stateDir, String node) {
        EtcdTls.AgentFiles at = EtcdTls.agentFiles(spec);
        List<RenderedFile> files = new ArrayList<>();
        if (at == null) {
            return files;
        }
        ClientFiles from = clientFiles(spec, stateDir, EtcdTls.nodeName(node));
        if (at.caFile() != null) {
            files.add(new RenderedFile(at.caFile(), read(from.ca()), "0644"));
        }
        if (at.certFile() != null) {
            files.add(new RenderedFile(at.certFile(), read(from.cert()), "0644"));
            files.add(new RenderedFile(at.keyFile(), read(from.key()), "0600"));
        }
        return files;
    }

    /** A client's TLS files on this machine: the CA, its certificate and key (any may be null for an external etcd). */
    public record ClientFiles(Path ca, Path cert, Path key) {
    }

    /**
     * Client certificate {@code name}'s files in the lab's state with the lab's CA, when vxlab made the lab's
     * certificates ({@link EtcdTls#generated}); for an external etcd, whatever the client, the spec's files.
     */
    public static ClientFiles clientFiles(LabSpec spec, Path stateDir, String name) {
        if (!EtcdTls.generated(spec)) {
            return new ClientFiles(spec.etcd().caFile(), spec.etcd().certFile(), spec.etcd().keyFile());
        }
        EtcdPki pki = new EtcdPki(dir(stateDir), spec.name());
        return new ClientFiles(pki.cert(EtcdTls.CA_NAME), pki.cert(name), pki.key(name));
    }

    private static String read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (IOException e) {
            throw new VxlabException("cannot read " + file + " for the nodes' TLS to etcd: " + e.getMessage(),
                    "`vxlab up` again makes the lab's certificates; for an external etcd check etcd.caFile, certFile and keyFile", e);
        }
    }

    /** The PEM text of certificate or key file {@code file} (for pushing to a node). */
    public String text(Path file) {
        return read(file);
    }

    /** It is signed by {@code ca}, names exactly the wanted addresses, serves or not as wanted, and is not about to expire. */
    static boolean fits(X509Certificate have, X509Certificate ca, EtcdTls.Cert c) {
        try {
            have.verify(ca.getPublicKey());
            if (expiring(have) || !have.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                return false;
            }
            Set<String> ips = new HashSet<>();
            Set<String> dns = new HashSet<>();
            Collection<List<?>> alt = have.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> a : alt) {
                    if (Integer.valueOf(GeneralName.iPAddress).equals(a.get(0))) {
                        ips.add((String) a.get(1));
                    } else if (Integer.valueOf(GeneralName.dNSName).equals(a.get(0))) {
                        dns.add((String) a.get(1));
                    }
                }
            }
            List<String> eku = have.getExtendedKeyUsage();
            boolean serves = eku != null && eku.contains(KeyPurposeId.id_kp_serverAuth.getId());
            return ips.equals(new HashSet<>(c.ips())) && dns.equals(new HashSet<>(c.dnsNames())) && serves == c.server()
                    && commonName(have).equals(c.commonName());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String commonName(X509Certificate c) {
        org.bouncycastle.asn1.x500.RDN[] cn = X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return cn.length == 0 ? "" : cn[0].getFirst().getValue().toString();
    }

    private static boolean expiring(X509Certificate c) {
        return c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration life) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, random).add(BigInteger.ONE), Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(life)), subject, key);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "vxlab").addRDN(BCStyle.CN, commonName).build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException, CertIOException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    /** The certificate in NAME.pem, or null when there is none or it cannot be read (it is made again). */
    private X509Certificate readable(String name) {
        Path f = cert(name);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(f)));
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    private static PrivateKey privateKey(Path f) throws IOException, GeneralSecurityException {
        String b64 = Files.readString(f, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** The key first (0600 from its first byte), then the certificate; each written aside and moved into place ({@link AtomicFiles}). */
    private void write(String name, X509Certificate cert, PrivateKey key) throws IOException, GeneralSecurityException {
        AtomicFiles.write(key(name), pem("PRIVATE KEY", key.getEncoded()), "rw-------");
        AtomicFiles.write(cert(name), pem("CERTIFICATE", cert.getEncoded()), "rw-r--r--");
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

}
