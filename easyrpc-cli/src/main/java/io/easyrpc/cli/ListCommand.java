package io.easyrpc.cli;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RemoteService;
import io.easyrpc.client.RpcChannel;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code easyrpc list ADDRESS [SERVICE]}: the services of a server, or the method keys of
 * one service, one per line.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
		description = "List the server's services, or the methods of one service, through reflection.")
final class ListCommand extends RemoteCommand {

	@Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE", description = "A service whose methods to list.")
	@Nullable String service;

	@Override
	int run(RpcChannel channel) {
		boolean found = false;
		for (RemoteService remote : client(channel, false).describe()) {
			if (this.service == null) {
				out().println(remote.name());
			}
			else if (remote.name().equals(this.service)) {
				found = true;
				for (RemoteService.Method method : remote.methods()) {
					out().println(method.key());
				}
			}
		}
		out().flush();
		if (this.service != null && !found) {
			throw new RpcException(RpcStatus.NOT_FOUND, "No service '" + this.service + "' on " + this.address);
		}
		return ExitCodes.OK;
	}

}
