package io.easyrpc.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.GenericRpcClient;
import io.easyrpc.client.RpcChannel;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code easyrpc call ADDRESS METHOD [JSON-ARGS...]}: one call, its result printed as
 * pretty JSON.
 */
@Command(name = "call", mixinStandardHelpOptions = true,
		description = "Call a method. Each argument is one JSON value (quote strings: '\"apple\"'); "
				+ "--named passes a JSON object of arguments by parameter name instead.")
final class CallCommand extends RemoteCommand {

	@Parameters(index = "1", paramLabel = "METHOD", description = "The method key, such as Inventory.find.")
	String method;

	@Parameters(index = "2..*", arity = "0..*", paramLabel = "JSON-ARG",
			description = "The arguments, one JSON value each.")
	List<String> arguments = new ArrayList<>();

	@Option(names = "--named", paramLabel = "JSON-OBJECT",
			description = "Arguments by parameter name, e.g. '{\"sku\":\"apple\",\"count\":2}'.")
	@Nullable String named;

	@Option(names = "--notify", description = "Send a one-way notification: no result, no wait for the method.")
	boolean notification;

	@Option(names = "--validate",
			description = "Check the arguments against the server's signatures (reflection) before sending.")
	boolean validate;

	@Override
	int run(RpcChannel channel) {
		if (this.named != null && !this.arguments.isEmpty()) {
			throw new CommandLine.ParameterException(this.spec.commandLine(),
					"Give the arguments either by position or with --named, not both");
		}
		GenericRpcClient client = client(channel, this.validate);
		if (this.named != null) {
			JsonNode object = parse(this.named, "--named");
			if (!object.isObject()) {
				throw new CommandLine.ParameterException(this.spec.commandLine(),
						"--named must be a JSON object such as '{\"sku\":\"apple\"}', not " + object);
			}
			Map<String, Object> arguments = new LinkedHashMap<>();
			object.properties().forEach((entry) -> arguments.put(entry.getKey(), entry.getValue()));
			if (this.notification) {
				return sent(client.notifyNamed(this.method, arguments), channel);
			}
			printJson(client.callNamed(this.method, arguments));
			return ExitCodes.OK;
		}
		Object[] values = new Object[this.arguments.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = parse(this.arguments.get(i), "Argument " + (i + 1));
		}
		if (this.notification) {
			return sent(client.notify(this.method, values), channel);
		}
		printJson(client.call(this.method, values));
		return ExitCodes.OK;
	}

	// A notification counts as sent once a ping behind it on the same connection came
	// back: the server has then read it, so closing the channel cannot lose it.
	private int sent(java.util.concurrent.CompletableFuture<Void> notification, RpcChannel channel) {
		try {
			long millis = this.connection.timeout.toMillis();
			notification.get(millis, TimeUnit.MILLISECONDS);
			channel.ping(this.connection.timeout).get(millis, TimeUnit.MILLISECONDS);
			return ExitCodes.OK;
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RpcException rpc) ? rpc
					: new RpcException(RpcStatus.INTERNAL, String.valueOf(ex.getCause()), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new RpcException(RpcStatus.DEADLINE_EXCEEDED,
					"The notification was not confirmed within " + this.connection.timeout.toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RpcException(RpcStatus.CANCELLED, "Interrupted");
		}
	}

	private JsonNode parse(String text, String what) {
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new CommandLine.ParameterException(this.spec.commandLine(), what + " is not valid JSON: " + text
					+ " (" + ex.getOriginalMessage() + "); strings need quotes, e.g. '\"apple\"'");
		}
	}

}
