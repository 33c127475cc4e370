package dk.vejsyn.api.municipality;

import dk.vejsyn.api.error.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Looks up and creates municipalities; every tenant-scoped request starts with {@link #require}. */
@Service
public class Municipalities {

    private final JdbcClient jdbc;
    private final Map<String, Municipality> cache = new ConcurrentHashMap<>();

    public Municipalities(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The municipality with this code, or a 404 problem. */
    public Municipality require(String code) {
        Municipality m = cache.get(code);
        if (m != null) {
            return m;
        }
        m = find(code).orElseThrow(() -> ApiException.municipalityNotFound(code));
        cache.put(code, m);
        return m;
    }

    public Optional<Municipality> find(String code) {
        if (code == null || !code.matches("[0-9]{3}")) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT id, code, name FROM municipality WHERE code = ?").param(code)
                .query(Municipality.class).optional();
    }

    public List<Municipality> list() {
        return jdbc.sql("SELECT id, code, name FROM municipality ORDER BY code").query(Municipality.class).list();
    }

    /** Creates a municipality; a 409 problem when the code exists. */
    public Municipality create(String code, String name) {
        try {
            return jdbc.sql("INSERT INTO municipality (code, name) VALUES (?, ?) RETURNING id, code, name")
                    .params(code, name).query(Municipality.class).single();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("municipality-exists", "Municipality exists",
                    "a municipality with code " + code + " exists");
        }
    }
}
