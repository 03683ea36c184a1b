package dev.bulwark.signatures.internal;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.Organisation;
import dev.bulwark.tenancy.TenantScope;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Seal keys (docs/signatures.md, "The seal"): Bulwark's own certificate authority, kept in the platform organisation,
 * and each organisation's seal key (ECDSA P-256) with a certificate that authority issued. A private key is stored
 * only encrypted under its organisation's key ({@link FieldCipher}, bound to the organisation and the kind), so
 * crypto-shredding an organisation destroys its seal key; the certificates are public and stay in every PDF sealed.
 * Made at first use; two first uses at once both insert, and the first row wins.
 */
@Component
public class SealKeys {

    public static final String AUTHORITY_NAME = "CN=Bulwark Signature Authority, O=Bulwark";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A private key with its certificate (and the issuing authority's certificate, for the chain). */
    public record Seal(PrivateKey key, X509Certificate certificate, X509Certificate authority) {
        @Override
        public String toString() {
            return "Seal[" + certificate.getSubjectX500Principal() + "]";
        }
    }

    private final JdbcClient jdbc;
    private final TenantScope tenantScope;
    private final FieldCipher cipher;

    SealKeys(JdbcClient jdbc, TenantScope tenantScope, FieldCipher cipher) {
        this.jdbc = jdbc;
        this.tenantScope = tenantScope;
        this.cipher = cipher;
    }

    /** The organisation's seal, made (and its certificate issued) at first use. */
    public Seal seal(UUID orgId) {
        Seal authority = authority();
        Stored stored = load(orgId, "seal").orElseGet(() -> {
            KeyPair pair = newPair();
            X509Certificate certificate = issue(new X500Name("CN=Bulwark seal of organisation " + orgId + ", O=Bulwark"),
                    pair, authority, false, Duration.ofDays(3650));
            insert(orgId, "seal", pair.getPrivate(), certificate);
            return load(orgId, "seal").orElseThrow();
        });
        return new Seal(stored.key(), stored.certificate(), authority.certificate());
    }

    /** The organisation's seal certificate only (no private key is opened). */
    public X509Certificate certificate(UUID orgId) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("SELECT certificate FROM seal_keys WHERE tenant_id = :org AND kind = 'seal'")
                .param("org", orgId)
                .query(byte[].class)
                .optional()
                .map(SealKeys::certificateOf)
                .orElseGet(() -> seal(orgId).certificate()));
    }

    private Seal authority() {
        UUID platform = Organisation.PLATFORM_ID;
        Stored stored = load(platform, "authority").orElseGet(() -> {
            KeyPair pair = newPair();
            X509Certificate certificate = issue(new X500Name(AUTHORITY_NAME), pair, null, true, Duration.ofDays(7300));
            insert(platform, "authority", pair.getPrivate(), certificate);
            return load(platform, "authority").orElseThrow();
        });
        return new Seal(stored.key(), stored.certificate(), stored.certificate());
    }

    private record Stored(PrivateKey key, X509Certificate certificate) {
    }

    private java.util.Optional<Stored> load(UUID orgId, String kind) {
        return tenantScope.inTenant(orgId, null, () -> jdbc.sql("SELECT private_key_ct, certificate FROM seal_keys WHERE tenant_id = :org AND kind = :kind")
                .param("org", orgId)
                .param("kind", kind)
                .query((rs, n) -> new Stored(privateKey(cipher.decrypt(field(orgId, kind), rs.getBytes(1))), certificateOf(rs.getBytes(2))))
                .optional());
    }

    private void insert(UUID orgId, String kind, PrivateKey key, X509Certificate certificate) {
        tenantScope.inTenant(orgId, null, () -> {
            try {
                jdbc.sql("""
                                INSERT INTO seal_keys (tenant_id, kind, private_key_ct, certificate, created_at)
                                VALUES (:org, :kind, :key, :certificate, :now) ON CONFLICT (tenant_id, kind) DO NOTHING
                                """)
                        .param("org", orgId)
                        .param("kind", kind)
                        .param("key", cipher.encrypt(field(orgId, kind), Base64.getEncoder().encodeToString(key.getEncoded())))
                        .param("certificate", certificate.getEncoded())
                        .param("now", Timestamp.from(Instant.now()))
                        .update();
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The private key's ciphertext is bound to its organisation and kind: one row's key never opens as another's. */
    private static FieldCipher.Field field(UUID orgId, String kind) {
        return new FieldCipher.Field(orgId, "seal_keys", "private_key", UUID.nameUUIDFromBytes(kind.getBytes(StandardCharsets.UTF_8)));
    }

    private static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate issue(X500Name subject, KeyPair pair, Seal issuer, boolean authority, Duration lifetime) {
        try {
            Instant now = Instant.now();
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(128, RANDOM).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(lifetime)), subject, pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(Extension.keyUsage, true, authority
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer.certificate()));
            }
            PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(String pkcs8) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificateOf(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code certificate} as PEM. */
    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
