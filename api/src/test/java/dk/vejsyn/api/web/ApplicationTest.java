package dk.vejsyn.api.web;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.PostgisIntegrationTest;
import org.junit.jupiter.api.Test;

class ApplicationTest extends PostgisIntegrationTest {

    @Test
    void mapPageAndLeafletAreServed() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk()).andExpect(forwardedUrl("index.html"));
        mvc.perform(get("/index.html")).andExpect(status().isOk())
                .andExpect(content().string(containsString("/webjars/leaflet/1.9.4/dist/leaflet.js")))
                .andExpect(content().string(containsString("/evidence")));
        mvc.perform(get("/webjars/leaflet/1.9.4/dist/leaflet.js")).andExpect(status().isOk());
    }

    @Test
    void openApiDescribesTheFindingsApi() throws Exception {
        mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['/api/v1/municipalities/{code}/findings']").exists())
                .andExpect(jsonPath("$.paths['/api/v1/municipalities/{code}/ogc/collections/{collectionId}/items']").exists());
    }

    @Test
    void healthIsUp() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void unknownPathIsAProblem() throws Exception {
        mvc.perform(get("/api/v1/nothing-here")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/not-found"));
    }
}
