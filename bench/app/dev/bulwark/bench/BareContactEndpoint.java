package dev.bulwark.bench;

import java.util.Map;
import java.util.UUID;

import dev.bulwark.access.Public;
import dev.bulwark.keys.FieldCipher;
import dev.bulwark.tenancy.TenantScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The baseline of {@link ContactListLoad}'s access-chain comparison, present only with the {@code bench} profile (and
 * only on the bench classpath, never in the application): the same contact, read by the same query in the same
 * tenant-bound transaction (so row-level security still applies), and written as the same JSON with its ETag — but
 * with no authentication, no organisation or permission check and no rate-limit budget in front of it.
 */
@RestController
@Profile("bench")
class BareContactEndpoint {

    private final TenantScope tenantScope;
    private final JdbcClient jdbc;
    private final FieldCipher cipher;

    BareContactEndpoint(TenantScope tenantScope, JdbcClient jdbc, FieldCipher cipher) {
        this.tenantScope = tenantScope;
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    @GetMapping("/bench/orgs/{orgId}/contacts/{contactId}")
    @Public
    ResponseEntity<Map<String, Object>> get(@PathVariable UUID orgId, @PathVariable UUID contactId) {
        // The same columns, decrypted the same way as the real endpoint does (docs/encryption.md).
        Map<String, Object> contact = tenantScope.inTenant(orgId, null, () -> jdbc.sql("""
                        SELECT id, name_ct, email_ct, phone_ct, notes_ct, version, created_at AS "createdAt",
                               updated_at AS "updatedAt"
                        FROM contacts WHERE tenant_id = :org AND id = :id
                        """)
                .param("org", orgId)
                .param("id", contactId)
                .query((rs, n) -> {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    row.put("id", contactId);
                    for (String column : new String[] {"name", "email", "phone", "notes"}) {
                        row.put(column, cipher.decrypt(new FieldCipher.Field(orgId, "contacts", column, contactId),
                                rs.getBytes(column + "_ct")));
                    }
                    row.put("version", rs.getInt("version"));
                    row.put("createdAt", rs.getTimestamp("createdAt").toInstant());
                    row.put("updatedAt", rs.getTimestamp("updatedAt").toInstant());
                    return row;
                })
                .single());
        return ResponseEntity.ok().eTag("\"" + contact.get("version") + "\"").body(contact);
    }

    /** Ahead of the application's chain: the bare path skips bearer authentication altogether. */
    @Bean
    @Order(0)
    @Profile("bench")
    SecurityFilterChain bareBenchPath(HttpSecurity http) throws Exception {
        return http.securityMatcher("/bench/**")
                .csrf(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .build();
    }
}
