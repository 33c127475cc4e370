package dk.vejsyn.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The agent runs on the vehicle: plain Java on the inference module, nothing of the service. */
class AgentArchitectureTest {
    @Test
    void theAgentUsesNeitherSpringNorTheService() {
        noClasses().that().resideInAPackage("dk.vejsyn.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dk.vejsyn.api..")
                .because("the agent is a small program on the vehicle; what it shares with the service is in inference")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dk.vejsyn.agent"));
    }
}
