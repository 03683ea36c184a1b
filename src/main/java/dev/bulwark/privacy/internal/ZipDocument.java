package dev.bulwark.privacy.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.bulwark.shared.SpreadsheetCells;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/**
 * A ZIP written as it goes (never held in memory or on disk): JSON documents, JSON arrays and CSV tables (RFC 4180,
 * Commons CSV, every cell {@linkplain SpreadsheetCells#defused defused} of formulas), one entry at a time, and a
 * {@code manifest.json} listing every entry with its record count and SHA-256, so a reader can check the archive is whole.
 */
final class ZipDocument implements AutoCloseable {

    /** One entry of the manifest. */
    record Listed(String name, long records, String sha256) {
    }

    private final ZipOutputStream zip;
    private final ObjectMapper json;
    private final List<Listed> listed = new ArrayList<>();

    ZipDocument(OutputStream out, ObjectMapper json) {
        this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        this.json = json;
    }

    /** A whole JSON document as one entry. */
    void json(String name, Object value) {
        entry(name, out -> json.writerWithDefaultPrettyPrinter().writeValue(out, value), 1);
    }

    /** A JSON array entry, its elements streamed by {@code writer}. */
    void jsonArray(String name, java.util.function.Consumer<java.util.function.Consumer<Object>> writer) {
        long[] count = {0};
        entry(name, out -> {
            try (JsonGenerator generator = json.createGenerator(out)) {
                generator.writeStartArray();
                writer.accept(element -> {
                    json.writeValue(generator, element);
                    count[0]++;
                });
                generator.writeEndArray();
            }
        }, -1);
        listed.set(listed.size() - 1, new Listed(name, count[0], listed.getLast().sha256()));
    }

    /** An NDJSON entry: each element streamed by {@code writer} as one line of JSON. */
    void lines(String name, java.util.function.Consumer<java.util.function.Consumer<Object>> writer) {
        long[] count = {0};
        entry(name, out -> writer.accept(element -> {
            try {
                out.write(json.writeValueAsBytes(element));
                out.write('\n');
                count[0]++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), -1);
        listed.set(listed.size() - 1, new Listed(name, count[0], listed.getLast().sha256()));
    }

    /** A CSV entry with {@code header}, its rows streamed by {@code writer}. */
    void csv(String name, List<String> header, java.util.function.Consumer<java.util.function.Consumer<List<?>>> writer) {
        long[] count = {0};
        entry(name, out -> {
            Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(text, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get());
            writer.accept(row -> {
                try {
                    printer.printRecord(row.stream().map(SpreadsheetCells::defused).toList());
                    count[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            printer.flush();
        }, -1);
        listed.set(listed.size() - 1, new Listed(name, count[0], listed.getLast().sha256()));
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private void entry(String name, Body body, long records) {
        try {
            zip.putNextEntry(new ZipEntry(name));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            OutputStream unclosable = new java.io.FilterOutputStream(new DigestOutputStream(zip, sha)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            body.write(unclosable);
            unclosable.flush();
            zip.closeEntry();
            listed.add(new Listed(name, records, HexFormat.of().formatHex(sha.digest())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code manifest.json} (the given fields and every entry so far) and finishes the archive. */
    void finish(Map<String, Object> manifest) {
        Map<String, Object> all = new LinkedHashMap<>(manifest);
        all.put("files", List.copyOf(listed));
        try {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            json.writerWithDefaultPrettyPrinter().writeValue(new java.io.FilterOutputStream(zip) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            }, all);
            zip.closeEntry();
            zip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
