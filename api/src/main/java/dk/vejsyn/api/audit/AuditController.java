package dk.vejsyn.api.audit;

import dk.vejsyn.api.error.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/municipalities/{code}/audit}: the municipality's audit trail, for its admins. */
@RestController
@Tag(name = "audit", description = "Who did what, when, from where")
class AuditController {
    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    record AuditPage(List<AuditLog.Event> events, Long nextBefore) {}

    @GetMapping("/api/v1/municipalities/{code}/audit")
    @Operation(summary = "Audit trail", description = "Newest first; pass nextBefore back as before for older events.")
    AuditPage read(@PathVariable String code, @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.invalidParameter("limit must be 1..1000");
        }
        List<AuditLog.Event> events = audit.read(code, before, limit);
        return new AuditPage(events, events.size() == limit ? events.get(events.size() - 1).id() : null);
    }
}
