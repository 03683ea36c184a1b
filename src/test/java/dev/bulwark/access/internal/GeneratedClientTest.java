package dev.bulwark.access.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import dev.bulwark.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A typed Java client generated from the description the running server serves (openapi-generator's {@code java}
 * generator, {@code native} library: java.net.http and Jackson 2, both already on the test classpath, so no other
 * runtime is needed and Jackson 3 of the application is not involved), compiled in-process with lint warnings as
 * errors, together with a driver written against its types. The driver signs up, signs in, creates and reads a
 * contact, meets a typed 404, and reads the audit log: if the description lost a type, an id or a field, the driver
 * does not compile; if it described a call wrongly, the call fails.
 */
class GeneratedClientTest extends IntegrationTest {

    /** Written against the generated client: it compiles only if the description types these calls. */
    private static final String DRIVER = """
            package dev.bulwark.client.drive;

            import java.util.LinkedHashMap;
            import java.util.Map;
            import java.util.UUID;
            import java.util.function.Function;

            import dev.bulwark.client.ApiClient;
            import dev.bulwark.client.ApiException;
            import dev.bulwark.client.api.AuditApi;
            import dev.bulwark.client.api.IdentityApi;
            import dev.bulwark.client.api.WorkspaceApi;
            import dev.bulwark.client.model.AuditRecord;
            import dev.bulwark.client.model.Contact;
            import dev.bulwark.client.model.LoginRequest;
            import dev.bulwark.client.model.NewContact;
            import dev.bulwark.client.model.PageAuditRecord;
            import dev.bulwark.client.model.PageContact;
            import dev.bulwark.client.model.SignInAnswer;
            import dev.bulwark.client.model.SignupRequest;
            import dev.bulwark.client.model.SignupResult;

            public final class Drive implements Function<Map<String, String>, Map<String, Object>> {

                @Override
                public Map<String, Object> apply(Map<String, String> in) {
                    try {
                        return drive(in);
                    } catch (ApiException e) {
                        throw new IllegalStateException("HTTP " + e.getCode() + ": " + e.getResponseBody(), e);
                    }
                }

                private static Map<String, Object> drive(Map<String, String> in) throws ApiException {
                    Map<String, Object> out = new LinkedHashMap<>();
                    ApiClient anonymous = new ApiClient();
                    anonymous.updateBaseUri(in.get("baseUri"));
                    IdentityApi identity = new IdentityApi(anonymous);

                    SignupResult account = identity.identitySignUp(new SignupRequest().email(in.get("email"))
                            .password(in.get("password")).name("Ada Lovelace").organisationName("Analytical Engines Ltd"));
                    UUID org = account.getOrganisationId();
                    out.put("organisationId", org);
                    out.put("userId", account.getUserId());

                    SignInAnswer tokens = identity.identityLogin(new LoginRequest().email(in.get("email")).password(in.get("password")), null);
                    out.put("tokenType", tokens.getTokenType() == SignInAnswer.TokenTypeEnum.BEARER ? "Bearer" : "other");
                    String token = tokens.getAccessToken();

                    ApiClient signedIn = new ApiClient();
                    signedIn.updateBaseUri(in.get("baseUri"));
                    signedIn.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
                    WorkspaceApi workspace = new WorkspaceApi(signedIn);
                    Contact created = workspace.workspaceCreateContact(org,
                            new NewContact().name("Grace Hopper").email("grace@example.com").phone("+442071234567"));
                    out.put("contactId", created.getId());
                    Contact read = workspace.workspaceGetContact(org, created.getId());
                    out.put("contactName", read.getName());
                    out.put("contactVersion", read.getVersion());
                    PageContact found = workspace.workspaceListContacts(org, "GRACE@example.com", null, null);
                    out.put("found", found.getItems().size());
                    try {
                        workspace.workspaceGetContact(org, UUID.randomUUID());
                        out.put("missing", 200);
                    } catch (ApiException expected) {
                        out.put("missing", expected.getCode());
                        out.put("missingType", expected.getResponseHeaders().firstValue("Content-Type").orElse(""));
                    }

                    PageAuditRecord audit = new AuditApi(signedIn).auditQuery(org, "contact.created", null, null, null, null, 50, null);
                    StringBuilder types = new StringBuilder();
                    for (AuditRecord record : audit.getItems()) {
                        types.append(record.getType()).append(' ').append(record.getEntity() == null ? "" : record.getEntity().getId()).append('\\n');
                    }
                    out.put("audit", types.toString());
                    return out;
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    void theGeneratedClientCompilesStrictlyAndItsCallsSucceed() throws Exception {
        Path spec = work.resolve("bulwark-api.json");
        Files.writeString(spec, get("/v3/api-docs").body());
        Path generated = work.resolve("client");
        CodegenConfigurator configurator = new CodegenConfigurator()
                .setGeneratorName("java")
                .setLibrary("native")
                .setInputSpec(spec.toString())
                .setOutputDir(generated.toString())
                .setValidateSpec(false) // ApiDescriptionLintTest validates it
                .setInvokerPackage("dev.bulwark.client")
                .setApiPackage("dev.bulwark.client.api")
                .setModelPackage("dev.bulwark.client.model")
                .addAdditionalProperty("openApiNullable", false)
                .addAdditionalProperty("useJakartaEe", true)
                .addAdditionalProperty("annotationLibrary", "none")
                .addAdditionalProperty("hideGenerationTimestamp", true)
                .addAdditionalProperty("supportUrlQuery", false) // no toUrlQueryString in every model: half the code to compile
                .addGlobalProperty("apiTests", "false")
                .addGlobalProperty("modelTests", "false")
                .addGlobalProperty("apiDocs", "false")
                .addGlobalProperty("modelDocs", "false");
        long started = System.nanoTime();
        new DefaultGenerator().opts(configurator.toClientOptInput()).generate();
        long generatedAt = System.nanoTime();

        Path sources = generated.resolve("src/main/java");
        Path driver = sources.resolve("dev/bulwark/client/drive/Drive.java");
        Files.createDirectories(driver.getParent());
        Files.writeString(driver, DRIVER);
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        compile(sources, classes);
        System.out.printf("GeneratedClientTest: generated in %d ms, compiled in %d ms%n", (generatedAt - started) / 1_000_000,
                (System.nanoTime() - generatedAt) / 1_000_000);

        String email = uniqueEmail();
        Map<String, Object> out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            @SuppressWarnings("unchecked")
            Function<Map<String, String>, Map<String, Object>> drive = (Function<Map<String, String>, Map<String, Object>>)
                    loader.loadClass("dev.bulwark.client.drive.Drive").getDeclaredConstructor().newInstance();
            out = drive.apply(Map.of("baseUri", "http://localhost:" + port, "email", email, "password", STRONG_PASSWORD));
        }

        UUID org = (UUID) out.get("organisationId");
        assertThat(userIdOf(email)).isEqualTo(out.get("userId"));
        assertThat(out.get("tokenType")).isEqualTo("Bearer");
        assertThat(out.get("contactName")).isEqualTo("Grace Hopper");
        assertThat(out.get("contactVersion")).isEqualTo(1);
        assertThat(out.get("found")).isEqualTo(1);
        assertThat(out.get("missing")).isEqualTo(404);
        assertThat((String) out.get("missingType")).startsWith("application/problem+json");
        assertThat((String) out.get("audit")).isEqualTo("contact.created " + out.get("contactId") + "\n");
        assertThat(eventsOfType(org, "contact.created")).isEqualTo(1);
    }

    /** javac on the generated sources and the driver, against the test classpath, lint warnings as errors. */
    private static void compile(Path sources, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        // Every lint but two, as errors. Both are the generator's fixed support classes, not anything the description
        // shapes: "serial" (ApiException keeps java.net.http.HttpHeaders) and "deprecation" (ApiClient and JSON call
        // Jackson 2's setSerializationInclusion).
        List<String> options = new ArrayList<>(List.of("--release", "21", "-Xlint:all,-serial,-deprecation", "-Werror", "-proc:none",
                "-encoding", "UTF-8", "-d", classes.toString(), "-classpath", System.getProperty("java.class.path")));
        boolean compiled;
        try (StandardJavaFileManager files2 = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            compiled = javac.getTask(new StringWriter(), files2, diagnostics, options, null, files2.getJavaFileObjectsFromPaths(files)).call();
        }
        StringBuilder report = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.NOTE) {
                report.append('\n').append(d.getKind()).append(' ')
                        .append(d.getSource() == null ? "" : sources.relativize(Path.of(d.getSource().toUri())) + ":" + d.getLineNumber())
                        .append(' ').append(d.getMessage(Locale.ROOT));
            }
        }
        assertThat(compiled).as("the generated client and its driver compile with %s:%s", options, report).isTrue();
        assertThat(report.toString()).as("diagnostics").isEmpty();
    }
}
