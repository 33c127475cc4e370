package dk.vejsyn.api.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API description says how to authenticate, so Swagger UI's "Authorize" takes a token and
 * generated clients send it: bearer (API token or the identity provider's JWT) everywhere, and
 * HTTP Basic with the token as password for the OGC API and tiles.
 */
@Configuration
class OpenApiSecurity {

    @Bean
    OpenAPI vejsynOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Vejsyn maintenance API").version("v1")
                        .description("Road damage findings per municipality. Every request but /actuator/health "
                                + "needs a token: Authorization: Bearer <token> (README, \"Security\")."))
                .components(new Components()
                        .addSecuritySchemes("token", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An API token (bin/vejsyn token create) or an access token (JWT) from the "
                                        + "municipality's identity provider"))
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("OGC API and tiles only: any user name, the API token as password")))
                .addSecurityItem(new SecurityRequirement().addList("token"));
    }
}
