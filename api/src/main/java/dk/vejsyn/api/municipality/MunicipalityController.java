package dk.vejsyn.api.municipality;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/municipalities")
class MunicipalityController {

    private final Municipalities municipalities;

    MunicipalityController(Municipalities municipalities) {
        this.municipalities = municipalities;
    }

    record NewMunicipality(@NotBlank @Pattern(regexp = "[0-9]{3}") String code, @NotBlank String name) {}

    @GetMapping
    List<Municipality> list() {
        return municipalities.list();
    }

    @GetMapping("/{code}")
    Municipality get(@PathVariable String code) {
        return municipalities.require(code);
    }

    @PostMapping
    ResponseEntity<Municipality> create(@Valid @RequestBody NewMunicipality body) {
        Municipality m = municipalities.create(body.code(), body.name());
        return ResponseEntity.created(URI.create("/api/v1/municipalities/" + m.code())).body(m);
    }
}
