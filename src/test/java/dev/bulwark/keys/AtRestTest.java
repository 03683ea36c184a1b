package dev.bulwark.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, acceptance 1: contacts, interactions and documents, an account's login email and name, and an invited
 * address, written through the API, leave none of their plaintext in a full dump of the database's data (every row of every table, copied out by the
 * superuser as pg_dump's data section does — the pg_dump on this machine is older than the server and refuses it) nor
 * in any file under the data directory: heap, WAL, server logs, mail, keys, checkpoints.
 */
class AtRestTest extends IntegrationTest {

    @Test
    void writtenPersonalDataAndBodiesAppearInNoDumpAndNoFileOfTheDataDirectory() throws Exception {
        Tenant tenant = newTenant();
        String tag = "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> secrets = List.of(tag + "name", tag + "@example.org", "+4420" + digits(tag), tag + "notes",
                tag + "subject", tag + "body", tag + "document");
        String contacts = "/api/v1/orgs/" + tenant.id() + "/contacts";
        HttpResponse<String> contact = call("POST", contacts, tenant.owner(), """
                {"name":"%s","email":"%s","phone":"%s","notes":"%s"}""".formatted(secrets.get(0), secrets.get(1),
                secrets.get(2), secrets.get(3)));
        assertThat(contact.statusCode()).as(contact.body()).isEqualTo(201);
        String contactId = body(contact).get("id").asString();
        assertThat(call("POST", contacts + "/" + contactId + "/interactions", tenant.owner(), """
                {"channel":"email","subject":"%s","body":"%s"}""".formatted(secrets.get(4), secrets.get(5))).statusCode())
                .isEqualTo(201);
        String project = body(call("POST", "/api/v1/orgs/" + tenant.id() + "/projects", tenant.owner(), "{\"name\":\"P\"}"))
                .get("id").asString();
        assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/projects/" + project + "/documents", tenant.owner(), """
                {"title":"T","body":"%s"}""".formatted(secrets.get(6))).statusCode()).isEqualTo(201);
        // An account (login email and name, a sign-in, a failed one) and an invitation: also personal data.
        String accountEmail = tag.toLowerCase() + "acct@example.net";
        String accountName = tag + "account";
        String invitedEmail = tag.toLowerCase() + "invited@example.net";
        assertThat(postJson("/api/v1/signup", java.util.Map.of("email", accountEmail, "password", STRONG_PASSWORD,
                "name", accountName, "organisationName", "Org " + tag)).statusCode()).isEqualTo(201);
        login(accountEmail);
        assertThat(postJson("/api/v1/auth/login", java.util.Map.of("email", accountEmail, "password", "wrong-" + tag))
                .statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/orgs/" + tenant.id() + "/invitations", tenant.owner(), """
                {"email":"%s","role":"MEMBER"}""".formatted(invitedEmail)).statusCode()).isEqualTo(201);
        List<String> accountSecrets = List.of(accountEmail, accountName, invitedEmail);
        // Read them back (so reads are on record too) and by email.
        assertThat(call("GET", contacts + "?email=" + secrets.get(1), tenant.owner(), null).body()).contains(secrets.get(0));

        String dump = databaseDump();
        assertThat(dump).as("the dump").contains(tenant.id().toString());
        for (String secret : secrets) {
            assertThat(dump.indexOf(secret)).as("%s in the dump", secret).isEqualTo(-1);
        }
        for (String secret : accountSecrets) {
            assertThat(dump.indexOf(secret)).as("%s in the dump", secret).isEqualTo(-1);
        }

        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DATA_DIR)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String text = read(file);
                for (String secret : secrets) {
                    if (text.contains(secret)) {
                        found.add(secret + " in " + DATA_DIR.relativize(file));
                    }
                }
                // Outgoing mail (the development outbox under mail/) is addressed to these addresses by nature.
                if (!DATA_DIR.relativize(file).startsWith("mail")) {
                    for (String secret : accountSecrets) {
                        if (text.contains(secret)) {
                            found.add(secret + " in " + DATA_DIR.relativize(file));
                        }
                    }
                }
            });
        }
        assertThat(found).as("plaintext under the data directory").isEmpty();
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return ""; // a WAL segment recycled while walking
            }
            throw new UncheckedIOException(e);
        }
    }

    private static String digits(String tag) {
        return String.valueOf(Math.abs(tag.hashCode()) % 10_000_000 + 10_000_000);
    }
}
