// The page's script: one unary call and one server stream over the easyrpc WebSocket
// endpoint of the server that served this page.
import { connect } from './easyrpc/easyrpc.js';

const greeting = document.getElementById('greeting');
const countdown = document.getElementById('countdown');
const status = document.getElementById('status');

function showError(element, error) {
	element.textContent = error.message;
	element.classList.add('error');
}

async function greet(client) {
	try {
		greeting.textContent = await client.call('Greeter.hello', 'browser');
	}
	catch (error) {
		showError(greeting, error);
	}
}

async function count(client) {
	try {
		for await (const item of client.stream('Greeter.countdown', 5)) {
			const line = document.createElement('li');
			line.textContent = item;
			countdown.append(line);
		}
		return true;
	}
	catch (error) {
		const line = document.createElement('li');
		showError(line, error);
		countdown.append(line);
		return false;
	}
}

async function main() {
	let client;
	try {
		client = await connect('/easyrpc', { timeout: 30000 });
	}
	catch (error) {
		showError(status, error);
		greeting.textContent = '';
		return;
	}
	status.textContent = `Connected to ${client.url}`;
	const [, completed] = await Promise.all([greet(client), count(client)]);
	if (completed) {
		status.textContent = 'Stream completed';
		status.dataset.state = 'done';
	}
	client.close();
}

main();
