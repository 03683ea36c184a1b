package dev.bulwark.identity.web;

import java.net.URI;

import dev.bulwark.identity.SignupRequest;
import dev.bulwark.identity.SignupResult;
import dev.bulwark.identity.internal.SignupService;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/signup}: public; creates an account and its organisation. */
@RestController
class SignupController {

    private final SignupService signups;

    SignupController(SignupService signups) {
        this.signups = signups;
    }

    @PostMapping("/api/v1/signup")
    ResponseEntity<SignupResult> signUp(@RequestBody SignupRequest request) {
        SignupResult result = signups.signUp(request);
        return ResponseEntity.created(URI.create("/api/v1/orgs/" + result.organisationId())).body(result);
    }
}
