package dk.vejsyn.api.workorder;

import dk.vejsyn.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A municipality's repair runs: planners create them, everyone of the municipality reads and prints them. */
@RestController
@RequestMapping("/api/v1/municipalities/{code}/work-orders")
@Tag(name = "work orders", description = "Repair runs: confirmed findings scheduled for a crew on a date")
class WorkOrderController {
    private final WorkOrders orders;

    WorkOrderController(WorkOrders orders) {
        this.orders = orders;
    }

    record NewOrder(@NotEmpty @Size(max = WorkOrders.MAX_FINDINGS) List<Long> findingIds, @NotNull LocalDate plannedFor,
            @NotBlank @Size(max = 200) String crew, @Size(max = 4000) String note) {}

    @PostMapping
    @Operation(summary = "Plan a repair run", description = "Every finding must be confirmed; all become scheduled, or none (409).")
    ResponseEntity<WorkOrders.Order> create(@PathVariable String code, @Valid @RequestBody NewOrder body,
            @AuthenticationPrincipal Caller caller) {
        long id = orders.create(code, body.findingIds(), body.plannedFor(), body.crew().strip(), body.note(), caller.name());
        return ResponseEntity.created(URI.create("/api/v1/municipalities/" + code + "/work-orders/" + id))
                .body(orders.get(code, id));
    }

    @GetMapping
    @Operation(summary = "The municipality's work orders")
    List<WorkOrders.Summary> list(@PathVariable String code) {
        return orders.list(code);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A work order with its findings in print order")
    WorkOrders.Order get(@PathVariable String code, @PathVariable long id) {
        return orders.get(code, id);
    }
}
