package dk.vejsyn.api.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/me}: who the credentials stand for (the map page opens on their municipality). */
@RestController
@Tag(name = "security", description = "Who is calling; the municipality's API tokens")
class MeController {

    record Me(String name, String role, String municipality, String vehicle, String via) {}

    @GetMapping("/api/v1/me")
    @Operation(summary = "The caller", description = "Name, role, municipality (none for operators) and vehicle (vehicle tokens).")
    Me me(@AuthenticationPrincipal Caller caller) {
        return new Me(caller.name(), caller.role().wireName(), caller.municipality(), caller.vehicle(),
                caller.via().name().toLowerCase(java.util.Locale.ROOT));
    }
}
