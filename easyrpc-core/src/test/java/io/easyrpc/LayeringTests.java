package io.easyrpc;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the engine's package layers pointing down: the codec knows nothing of the engine
 * above it, and the protocol knows neither server nor client. That the engine uses no
 * Spring type follows from this module's dependencies: Spring is not on its class path.
 */
class LayeringTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.easyrpc");
	}

	@Test
	void codecDependsOnNothingOfTheEngine() {
		noClasses().that()
			.resideInAPackage("io.easyrpc.codec..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.easyrpc.server..", "io.easyrpc.client..", "io.easyrpc.transport..",
					"io.easyrpc.internal.protocol..", "io.easyrpc.internal.transport..", "io.easyrpc.middleware..")
			.check(classes);
	}

	@Test
	void protocolDoesNotDependOnServerOrClient() {
		noClasses().that()
			.resideInAPackage("io.easyrpc.internal.protocol..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.easyrpc.server..", "io.easyrpc.client..", "io.easyrpc.transport..",
					"io.easyrpc.middleware..")
			.check(classes);
	}

	@Test
	void transportDoesNotDependOnServerOrClient() {
		noClasses().that()
			.resideInAnyPackage("io.easyrpc.transport..", "io.easyrpc.internal.transport..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.easyrpc.server..", "io.easyrpc.client..", "io.easyrpc.middleware..")
			.check(classes);
	}

	@Test
	void serverAndClientDoNotDependOnEachOther() {
		noClasses().that()
			.resideInAPackage("io.easyrpc.server..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.easyrpc.client..")
			.check(classes);
		noClasses().that()
			.resideInAPackage("io.easyrpc.client..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.easyrpc.server..")
			.check(classes);
	}

	@Test
	void clientEngineDoesNotDependOnTheClientApi() {
		noClasses().that()
			.resideInAPackage("io.easyrpc.internal.client..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.easyrpc.client..", "io.easyrpc.server..")
			.check(classes);
	}

	@Test
	void serverEngineDoesNotDependOnTheClient() {
		noClasses().that()
			.resideInAPackage("io.easyrpc.internal.server..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.easyrpc.client..", "io.easyrpc.internal.client..")
			.check(classes);
	}

}
