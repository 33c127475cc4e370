package dk.vejsyn.api.security;

import dk.vejsyn.api.error.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A municipality's API tokens, for its admins (the security rules admit no one else): list,
 * create (the token is in the answer once), revoke. Operator tokens are made on the command line
 * ({@code vejsyn token create --role operator}), never here.
 */
@RestController
@RequestMapping("/api/v1/municipalities/{code}/tokens")
@Tag(name = "security")
class TokenController {
    private final ApiTokens tokens;

    TokenController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    record NewToken(@NotBlank String name, @NotBlank String role, String vehicle,
            @Min(1) @Max(3650) Integer validDays) {}

    @GetMapping
    @Operation(summary = "The municipality's live tokens", description = "Never the tokens themselves.")
    List<ApiTokens.Listed> list(@PathVariable String code) {
        return tokens.list(code, false);
    }

    @PostMapping
    @Operation(summary = "Create a token", description = "Roles viewer, planner, vehicle (with its vehicle id) or admin. "
            + "The answer's secret is the token; it is not shown again.")
    ResponseEntity<ApiTokens.Created> create(@PathVariable String code, @Valid @RequestBody NewToken body,
            @AuthenticationPrincipal Caller caller) {
        Role role = Role.fromWire(body.role()).filter(r -> r != Role.OPERATOR)
                .orElseThrow(() -> ApiException.invalidParameter("role: viewer, planner, vehicle or admin"));
        try {
            return ResponseEntity.status(HttpStatus.CREATED).body(tokens.create(new ApiTokens.Request(body.name(), role,
                    code, body.vehicle(), body.validDays() == null ? null : Duration.ofDays(body.validDays()),
                    caller.name())));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-token-request", "Invalid token request", e.getMessage());
        }
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Revoke a token", description = "Takes effect on the next request.")
    ResponseEntity<Void> revoke(@PathVariable String code, @PathVariable String name) {
        if (!tokens.revoke(name, code)) {
            throw ApiException.notFound("token-not-found", "Unknown token", "no live token named " + name);
        }
        return ResponseEntity.noContent().build();
    }
}
