package dev.bulwark.workspace.web;

import java.net.URI;

import dev.bulwark.shared.IfMatch;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Single-resource answers carry the resource's entity tag: its version. */
final class Responses {

    private Responses() {
    }

    /** 200 with the ETag, or 304 when the client's {@code If-None-Match} already names this version. */
    static <T> ResponseEntity<T> read(WebRequest request, T body, int version) {
        String tag = IfMatch.tagOf(version);
        if (request.checkNotModified(tag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(tag).build();
        }
        return ResponseEntity.ok().eTag(tag).body(body);
    }

    static <T> ResponseEntity<T> written(T body, int version) {
        return ResponseEntity.ok().eTag(IfMatch.tagOf(version)).body(body);
    }

    /** 201 with the new resource, its Location (the collection's URL plus the id) and its ETag. */
    static <T> ResponseEntity<T> created(T body, Object id) {
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(id).toUri();
        return ResponseEntity.status(HttpStatus.CREATED).location(location).eTag(IfMatch.tagOf(1)).body(body);
    }
}
