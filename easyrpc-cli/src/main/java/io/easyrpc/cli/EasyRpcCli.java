package io.easyrpc.cli;

import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code easyrpc} command: {@code list}, {@code describe} and {@code call} against an
 * easyrpc server, in the spirit of grpcurl. Results go to standard output as JSON,
 * failures to standard error as {@code STATUS: message}, and the exit code tells the
 * status (see {@link ExitCodes}).
 */
@Command(name = "easyrpc", mixinStandardHelpOptions = true, versionProvider = EasyRpcCli.Version.class,
		subcommands = { ListCommand.class, DescribeCommand.class, CallCommand.class, CommandLine.HelpCommand.class },
		description = "Calls easyrpc servers: list services, describe methods, call a method with JSON arguments.",
		footer = { "", "Exit codes: 0 OK, 1 local failure, 2 usage error, 64 + status code for a failed call "
				+ "(e.g. 69 NOT_FOUND, 67 INVALID_ARGUMENT, 78 UNAVAILABLE, 80 UNAUTHENTICATED)." })
public final class EasyRpcCli implements Runnable {

	@CommandLine.Spec
	private CommandLine.Model.CommandSpec spec;

	private final Map<String, String> environment;

	private EasyRpcCli(Map<String, String> environment) {
		this.environment = environment;
	}

	/**
	 * Run the command line and exit with its exit code.
	 * @param args the arguments
	 */
	public static void main(String[] args) {
		// No logging back end is bundled: keep slf4j's notice about that off stderr.
		System.setProperty("slf4j.internal.verbosity", "ERROR");
		System.exit(commandLine().execute(args));
	}

	/**
	 * Return a new command line of the {@code easyrpc} command, for example to run it in
	 * process with its output captured.
	 * @return the command line
	 */
	public static CommandLine commandLine() {
		return commandLine(System.getenv());
	}

	/**
	 * Return a new command line of the {@code easyrpc} command that reads environment
	 * variables (such as {@code EASYRPC_SECRET}) from a map instead of the process
	 * environment.
	 * @param environment the environment variables
	 * @return the command line
	 */
	public static CommandLine commandLine(Map<String, String> environment) {
		CommandLine commandLine = new CommandLine(new EasyRpcCli(Map.copyOf(environment)));
		commandLine.setExecutionExceptionHandler((ex, line, parseResult) -> {
			PrintWriter err = line.getErr();
			err.println("ERROR: " + ex.getMessage());
			err.flush();
			return ExitCodes.LOCAL_FAILURE;
		});
		return commandLine;
	}

	Map<String, String> environment() {
		return this.environment;
	}

	@Override
	public void run() {
		throw new CommandLine.ParameterException(this.spec.commandLine(), "Missing command: list, describe or call");
	}

	/**
	 * The version printed by {@code --version}.
	 */
	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = EasyRpcCli.class.getPackage().getImplementationVersion();
			return new String[] { "easyrpc " + ((version != null) ? version : "(development build)") };
		}

	}

}
