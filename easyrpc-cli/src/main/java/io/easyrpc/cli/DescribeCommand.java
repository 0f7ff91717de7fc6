package io.easyrpc.cli;

import java.util.List;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RemoteService;
import io.easyrpc.client.RpcChannel;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code easyrpc describe ADDRESS [SERVICE|METHOD]}: signatures from the server's
 * reflection method, as text or JSON.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
		description = "Describe all services, one service or one method (key such as Inventory.find) "
				+ "through reflection.")
final class DescribeCommand extends RemoteCommand {

	@Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE|METHOD",
			description = "A service name or a method key.")
	@Nullable String symbol;

	@Option(names = "--json", description = "Print the descriptions as JSON.")
	boolean json;

	@Override
	int run(RpcChannel channel) {
		List<RemoteService> services = client(channel, false).describe();
		if (this.symbol == null) {
			print(services);
			return ExitCodes.OK;
		}
		for (RemoteService service : services) {
			if (service.name().equals(this.symbol)) {
				print(List.of(service));
				return ExitCodes.OK;
			}
			for (RemoteService.Method method : service.methods()) {
				if (method.key().equals(this.symbol)) {
					if (this.json) {
						printJson(method);
					}
					else {
						printMethod(method);
						out().flush();
					}
					return ExitCodes.OK;
				}
			}
		}
		throw new RpcException(RpcStatus.NOT_FOUND,
				"No service or method '" + this.symbol + "' on " + this.address + " (easyrpc list shows them)");
	}

	private void print(List<RemoteService> services) {
		if (this.json) {
			printJson(services);
			return;
		}
		for (RemoteService service : services) {
			out().println(service.name() + ":");
			for (RemoteService.Method method : service.methods()) {
				printMethod(method);
			}
		}
		out().flush();
	}

	private void printMethod(RemoteService.Method method) {
		out().println("  " + method.key() + "  " + method.signature() + "  [" + method.callStyle()
				+ (method.nonBlocking() ? ", non-blocking" : "") + "]");
	}

}
