/**
 * The JSON hub protocol for @microsoft/signalr, made tolerant of bad records. The stock protocol
 * throws on the first record it cannot parse, which closes the whole connection and loses the
 * records after it. Here every record is checked on its own: a bad one is reported (the adapter
 * logs it, emits protocolError and resyncs) and skipped; the good ones go on.
 */
import { JsonHubProtocol, TransferFormat, type HubMessage, type IHubProtocol, type ILogger } from '@microsoft/signalr';
import { parseHubRecord, RECORD_SEPARATOR } from './signalrFraming';

export class TolerantJsonHubProtocol implements IHubProtocol {
  readonly name = 'json';
  readonly version = 1;
  readonly transferFormat = TransferFormat.Text;
  private readonly writer = new JsonHubProtocol();

  /** `onFrame`: performance.now() as a frame arrives, before its records are parsed and dispatched. */
  constructor(
    private readonly onMalformed: (detail: string) => void,
    private readonly onFrame?: (atMs: number) => void,
  ) {}

  parseMessages(input: string | ArrayBuffer, _logger: ILogger): HubMessage[] {
    this.onFrame?.(performance.now());
    if (typeof input !== 'string') {
      this.onMalformed('binary frame on a JSON hub');
      return [];
    }
    const out: HubMessage[] = [];
    for (const record of input.split(RECORD_SEPARATOR)) {
      if (record.length === 0) continue;
      const parsed = parseHubRecord(record);
      if (!parsed.ok) {
        this.onMalformed(`${parsed.error}: ${record.slice(0, 120)}`);
        continue;
      }
      if (parsed.value.type === 'other') continue; // kinds ProjectX does not use (streams, acks)
      // The zod schema checked the fields SignalR reads for each kind (the numeric `type` included),
      // so the record is a HubMessage; the enum types differ only in name.
      out.push(parsed.value as unknown as HubMessage);
    }
    return out;
  }

  writeMessage(message: HubMessage): string {
    return this.writer.writeMessage(message);
  }
}
