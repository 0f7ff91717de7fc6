package io.easyrpc;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the engine's package layers pointing down: the codec knows nothing of the engine
 * above it, and the protocol knows neither server nor client. That the engine uses no
 * Spring type follows from this module's dependencies: Spring is not on its class path.
 * Every public package is null-marked, so its unannotated types mean "not null".
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
	void everyPublicPackageIsNullMarked() {
		Set<String> packages = new TreeSet<>();
		for (JavaClass type : classes) {
			String name = type.getPackageName();
			if (!name.equals("io.easyrpc.internal") && !name.startsWith("io.easyrpc.internal.")) {
				packages.add(name);
			}
		}
		assertThat(packages).contains("io.easyrpc", "io.easyrpc.codec", "io.easyrpc.transport", "io.easyrpc.middleware",
				"io.easyrpc.server", "io.easyrpc.client");
		Set<String> unmarked = new TreeSet<>();
		for (String name : packages) {
			if (!isNullMarked(name)) {
				unmarked.add(name);
			}
		}
		assertThat(unmarked).as("packages without @NullMarked on their package-info").isEmpty();
	}

	private static boolean isNullMarked(String packageName) {
		try {
			Class<?> info = Class.forName(packageName + ".package-info", false, LayeringTests.class.getClassLoader());
			return info.isAnnotationPresent(NullMarked.class);
		}
		catch (ClassNotFoundException ex) {
			// javac writes no package-info class for a package without annotations
			return false;
		}
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
