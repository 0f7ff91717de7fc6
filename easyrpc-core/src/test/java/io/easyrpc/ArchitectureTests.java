package io.easyrpc;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's shape as docs/architecture.md draws it: layers that only point down, no
 * package cycles, middleware that knows neither server nor client, and no Spring.
 */
class ArchitectureTests {

	/**
	 * An area is a public package together with its implementation under
	 * {@code io.easyrpc.internal}: {@code io.easyrpc.transport} and
	 * {@code io.easyrpc.internal.transport} are one. A facade and its implementation
	 * refer to each other by design; areas must not.
	 */
	private static final SliceAssignment AREAS = new SliceAssignment() {

		@Override
		public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
			String name = javaClass.getPackageName();
			if (!name.startsWith("io.easyrpc.")) {
				return SliceIdentifier.ignore();
			}
			String area = name.substring("io.easyrpc.".length());
			if (area.startsWith("internal.")) {
				area = area.substring("internal.".length());
			}
			int dot = area.indexOf('.');
			return SliceIdentifier.of((dot < 0) ? area : area.substring(0, dot));
		}

		@Override
		public String getDescription() {
			return "areas of io.easyrpc, each a public package with its internal implementation";
		}

	};

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.easyrpc");
	}

	@Test
	void areasAreFreeOfCycles() {
		slices().assignedFrom(AREAS).should().beFreeOfCycles().check(classes);
	}

	@Test
	void layersPointDown() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("Codec")
			.definedBy("io.easyrpc.codec..")
			.layer("Protocol")
			.definedBy("io.easyrpc.internal.protocol..")
			.layer("Transport")
			.definedBy("io.easyrpc.transport..", "io.easyrpc.internal.transport..")
			.layer("Middleware")
			.definedBy("io.easyrpc.middleware..")
			.layer("Server")
			.definedBy("io.easyrpc.server..", "io.easyrpc.internal.server..")
			.layer("Client")
			.definedBy("io.easyrpc.client..", "io.easyrpc.internal.client..")
			.whereLayer("Server")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("Client")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("Middleware")
			.mayOnlyBeAccessedByLayers("Server", "Client")
			.whereLayer("Transport")
			.mayOnlyBeAccessedByLayers("Middleware", "Server", "Client")
			.whereLayer("Protocol")
			.mayOnlyBeAccessedByLayers("Transport", "Middleware", "Server", "Client")
			.check(classes);
	}

	@Test
	void middlewareKnowsNeitherServerNorClient() {
		noClasses().that()
			.resideInAPackage("io.easyrpc.middleware..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.easyrpc.server..", "io.easyrpc.internal.server..", "io.easyrpc.client..",
					"io.easyrpc.internal.client..")
			.check(classes);
	}

	@Test
	void engineUsesNoSpring() {
		noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(classes);
	}

}
