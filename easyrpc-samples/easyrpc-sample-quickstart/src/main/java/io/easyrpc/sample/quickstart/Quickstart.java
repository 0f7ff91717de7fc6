package io.easyrpc.sample.quickstart;

import java.io.PrintStream;
import java.util.Arrays;

import io.easyrpc.sample.quickstart.clientapp.QuickstartCalls;
import io.easyrpc.sample.quickstart.clientapp.QuickstartClientApplication;
import io.easyrpc.sample.quickstart.serverapp.QuickstartServerApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the server application on a free port, then the client application pointed at
 * it, makes a few calls over TCP, prints them and shuts both down.
 */
public final class Quickstart {

	private Quickstart() {
	}

	/**
	 * Run the quickstart.
	 * @param args command line arguments, passed to both applications
	 * @throws Exception if a call fails unexpectedly
	 */
	public static void main(String[] args) throws Exception {
		run(System.out, args);
	}

	/**
	 * Run the quickstart, printing to the given stream.
	 * @param out where to print the calls
	 * @param args command line arguments, passed to both applications
	 * @throws Exception if a call fails unexpectedly
	 */
	public static void run(PrintStream out, String... args) throws Exception {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(QuickstartServerApplication.class)
			.web(WebApplicationType.NONE)
			.run(with(args, "--spring.application.name=quickstart-server", "--easyrpc.server.port=0"))) {
			int port = server.getEnvironment().getRequiredProperty("local.easyrpc.port", Integer.class);
			out.println("Server listening on port " + port);
			try (ConfigurableApplicationContext client = new SpringApplicationBuilder(QuickstartClientApplication.class)
				.web(WebApplicationType.NONE)
				.run(with(args, "--spring.application.name=quickstart-client",
						"--easyrpc.client.targets.inventory.address=tcp://localhost:" + port))) {
				client.getBean(QuickstartCalls.class).run(out);
			}
		}
	}

	// Command-line arguments outrank application.yml, so the quickstart's settings win
	// over those of the sample server it reuses.
	private static String[] with(String[] args, String... settings) {
		String[] all = Arrays.copyOf(settings, settings.length + args.length);
		System.arraycopy(args, 0, all, settings.length, args.length);
		return all;
	}

}
