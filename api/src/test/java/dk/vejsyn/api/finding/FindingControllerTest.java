package dk.vejsyn.api.finding;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.config.ApiProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingViews.FindingPage;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.CallerAuthentication;
import dk.vejsyn.api.security.Role;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.security.test.context.TestSecurityContextHolder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The maintenance API's input checking, without a database: every bad input is a 4xx problem.
 * Without security's filters (who may call is {@code SecurityMatrixTest}'s subject); the caller is
 * a planner of 461.
 */
@WebMvcTest(FindingController.class)
@AutoConfigureMockMvc(addFilters = false)
class FindingControllerTest {

    static final String BASE = "/api/v1/municipalities/461/findings";

    @TestConfiguration
    @EnableConfigurationProperties(ApiProperties.class)
    static class Config {}

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Municipalities municipalities;

    @MockitoBean
    FindingQueries queries;

    @MockitoBean
    FindingStore store;

    @BeforeEach
    void caller() {
        TestSecurityContextHolder.setAuthentication(new CallerAuthentication(
                new Caller("planner-odense-1", Role.PLANNER, "461", null, Caller.Via.TOKEN)));
    }

    @AfterEach
    void noCaller() {
        TestSecurityContextHolder.clearContext();
    }

    @BeforeEach
    void tenants() {
        when(municipalities.require("461")).thenReturn(new Municipality(52, "461", "Odense"));
        when(municipalities.require("998")).thenThrow(ApiException.municipalityNotFound("998"));
        when(queries.search(anyInt(), any(), any(), anyBoolean(), any(), anyInt())).thenReturn(new FindingPage(List.of(), null));
    }

    private ResultActions problem(ResultActions r, int status, String type) throws Exception {
        return r.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/" + type))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.detail").isNotEmpty());
    }

    @Test
    void validFiltersReachTheQuery() throws Exception {
        mvc.perform(get(BASE).param("bbox", "10.3,55.3,10.5,55.5").param("status", "open,confirmed")
                        .param("type", "pothole").param("min_severity", "2").param("sort", "last_seen").param("order", "asc")
                        .param("limit", "500"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.items").isArray());
        verify(queries).search(eq(52), any(), eq(FindingSort.LAST_SEEN), eq(false), any(), eq(500));
    }

    @Test
    void bboxWithMinimumAboveMaximumIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("bbox", "10.5,55.3,10.3,55.5")), 400, "invalid-bbox");
    }

    @Test
    void bboxOutOfRangeIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("bbox", "10.3,55.3,190,95")), 400, "invalid-bbox");
    }

    @Test
    void bboxWithThreeNumbersIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("bbox", "10.3,55.3,10.5")), 400, "invalid-bbox");
    }

    @Test
    void unclosedPolygonIs400() throws Exception {
        String body = """
                {"polygon": {"type": "Polygon", "coordinates": [[[10.3, 55.3], [10.5, 55.3], [10.5, 55.5], [10.3, 55.5]]]}}""";
        problem(mvc.perform(post(BASE + "/search").contentType(MediaType.APPLICATION_JSON).content(body)), 400, "invalid-polygon");
    }

    @Test
    void polygonWithCoordinatesOutOfRangeIs400() throws Exception {
        String poly = """
                {"type": "Polygon", "coordinates": [[[10.3, 55.3], [200, 55.3], [10.5, 95], [10.3, 55.3]]]}""";
        problem(mvc.perform(get(BASE).param("polygon", poly)), 400, "coordinates-out-of-range");
    }

    @Test
    void nearOutOfRangeIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("near", "91,10").param("radius_m", "50")), 400, "coordinates-out-of-range");
    }

    @Test
    void unknownStatusIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("status", "fixed")), 400, "invalid-parameter");
    }

    @Test
    void unknownTypeIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("type", "sinkhole")), 400, "invalid-parameter");
    }

    @Test
    void limitTooLargeIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("limit", "501")), 400, "invalid-limit");
    }

    @Test
    void negativeOrNonNumericSizeIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("min_area_m2", "-1")), 400, "invalid-parameter");
        problem(mvc.perform(get(BASE).param("min_area_m2", "NaN")), 400, "invalid-parameter");
        problem(mvc.perform(get(BASE).param("min_area_m2", "big")), 400, "validation-failed"); // not a number: binding
    }

    @Test
    void badDateIs400() throws Exception {
        problem(mvc.perform(get(BASE).param("seen_after", "yesterday")), 400, "invalid-parameter");
    }

    @Test
    void unknownFindingIs404() throws Exception {
        when(queries.detail(52, 77)).thenThrow(ApiException.findingNotFound(77));
        problem(mvc.perform(get(BASE + "/77")), 404, "finding-not-found");
    }

    @Test
    void nonNumericIdIs400() throws Exception {
        problem(mvc.perform(get(BASE + "/abc")), 400, "invalid-parameter");
    }

    @Test
    void unknownMunicipalityIs404() throws Exception {
        problem(mvc.perform(get("/api/v1/municipalities/998/findings")), 404, "municipality-not-found");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        problem(mvc.perform(patch(BASE + "/1").contentType(MediaType.APPLICATION_JSON).content("{\"status\": ")), 400,
                "malformed-request");
    }

    @Test
    void patchWithoutStatusIs400() throws Exception {
        problem(mvc.perform(patch(BASE + "/1").contentType(MediaType.APPLICATION_JSON).content("{\"note\": \"x\"}")),
                400, "validation-failed");
    }

    @Test
    void theActorOfAChangeIsTheCallerNeverTheBody() throws Exception {
        mvc.perform(patch(BASE + "/1").contentType(MediaType.APPLICATION_JSON)
                .content("{\"status\": \"confirmed\", \"actor\": \"anyone\"}")).andExpect(status().isOk());
        verify(store).changeStatus("461", 1L, FindingStatus.CONFIRMED, "planner-odense-1", null);
    }

    @Test
    void invalidTransitionIs409() throws Exception {
        doThrow(ApiException.conflict("invalid-transition", "Invalid status transition", "open to repaired"))
                .when(store).changeStatus(anyString(), anyLong(), any(), anyString(), any());
        problem(mvc.perform(patch(BASE + "/1").contentType(MediaType.APPLICATION_JSON)
                .content("{\"status\": \"repaired\", \"actor\": \"anna\"}")), 409, "invalid-transition");
    }

    @Test
    void patchWithUnknownStatusIs400() throws Exception {
        problem(mvc.perform(patch(BASE + "/1").contentType(MediaType.APPLICATION_JSON)
                .content("{\"status\": \"fixed\", \"actor\": \"anna\"}")), 400, "invalid-parameter");
    }

    @Test
    void foreignCursorIs400() throws Exception {
        when(queries.search(anyInt(), any(), any(), anyBoolean(), eq("garbage"), anyInt()))
                .thenCallRealMethod();
        problem(mvc.perform(get(BASE).param("cursor", "garbage")), 400, "invalid-cursor");
    }
}
