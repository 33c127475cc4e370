package dk.vejsyn.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package boundaries the README's architecture section describes, checked on the
 * compiled classes so that a new feature cannot quietly cross them. Maven already keeps
 * {@code inference} from seeing {@code api}; these rules keep the layers inside each module.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dk.vejsyn");
    }

    @Test
    void inferenceIsPlainJavaWithoutSpringOrTheService() {
        noClasses().that().resideInAPackage("dk.vejsyn.inference..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dk.vejsyn.api..")
                .because("the inference module runs in the CLI, the service and on a vehicle alike")
                .check(classes);
    }

    @Test
    void theModelKnowsNothingOfFramesSourcesPipelinesOrOutputs() {
        noClasses().that().resideInAPackage("dk.vejsyn.inference.detect..")
                .should().dependOnClassesThat().resideInAnyPackage("dk.vejsyn.inference.pipeline..",
                        "dk.vejsyn.inference.geo..", "dk.vejsyn.inference.output..", "dk.vejsyn.inference.cli..",
                        "dk.vejsyn.inference.render..", "dk.vejsyn.inference.evaluate..")
                .because("the detector is one feature that every path uses, and depends on none of them")
                .check(classes);
    }

    @Test
    void commandsAreOnTopNothingDependsOnThem() {
        noClasses().that().resideOutsideOfPackages("dk.vejsyn.inference.cli..", "dk.vejsyn.api.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dk.vejsyn.inference.cli..", "dk.vejsyn.api.cli..")
                .because("commands assemble features; a feature that needs a command's code has it in the wrong place")
                .check(classes);
    }

    @Test
    void theRendererIsADevelopmentToolThatProductCodeDoesNotUse() {
        noClasses().that().resideOutsideOfPackages("dk.vejsyn.inference.render..", "dk.vejsyn.inference.cli..",
                        "dk.vejsyn.api.cli..")
                .should().dependOnClassesThat().resideInAPackage("dk.vejsyn.inference.render..")
                .because("rendered footage and training scenes are made by commands, never in detection")
                .check(classes);
    }

    @Test
    void theVehicleAgentAndTheServiceStayApart() {
        noClasses().that().resideInAPackage("dk.vejsyn.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dk.vejsyn.api..")
                .because("the agent runs on the vehicle with the inference module only; the wire formats it shares "
                        + "with the service live in inference")
                .check(classes);
        noClasses().that().resideInAPackage("dk.vejsyn.api..")
                .should().dependOnClassesThat().resideInAPackage("dk.vejsyn.agent..")
                .because("the service never runs vehicle code")
                .check(classes);
    }
}
