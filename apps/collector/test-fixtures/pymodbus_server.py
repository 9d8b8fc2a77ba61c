#!/usr/bin/python3
"""A third-party Modbus TCP server for the collector's interop tests: Debian's pymodbus 3.0.

Reads a JSON spec from the first line of stdin, encodes every value with pymodbus' own
BinaryPayloadBuilder (so byte/word order and types are encoded by code we did not write),
serves it on 127.0.0.1 at an ephemeral port (or, with `--serial PATH [BAUD]`, as Modbus RTU
on that serial device), prints `LISTENING <port|path>` and serves until stdin closes (the
test's end of the pipe), so the process never outlives its test.

Spec: {"units": {"<unit id>": {"registers": [{"table": "holding"|"input", "address": n,
"type": "int16"|…|"float64"|"string", "byteorder": "big"|"little", "wordorder": "big"|"little",
"value": …}], "coils": {"<address>": bool}, "discrete": {"<address>": bool}}}}

Run it with /usr/bin/python3 (Debian's modules), not the first python3 on PATH.
"""
import asyncio
import json
import sys

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.server.async_io import ModbusSerialServer, ModbusTcpServer

SIZE = 1024
ADD = {
    "int16": "add_16bit_int",
    "uint16": "add_16bit_uint",
    "int32": "add_32bit_int",
    "uint32": "add_32bit_uint",
    "int64": "add_64bit_int",
    "uint64": "add_64bit_uint",
    "float32": "add_32bit_float",
    "float64": "add_64bit_float",
    "string": "add_string",
}
ORDER = {"big": Endian.Big, "little": Endian.Little}


def encode(item):
    builder = BinaryPayloadBuilder(byteorder=ORDER[item["byteorder"]], wordorder=ORDER[item["wordorder"]])
    getattr(builder, ADD[item["type"]])(item["value"])
    return builder.to_registers()


def unit_context(spec):
    tables = {"holding": [0] * SIZE, "input": [0] * SIZE}
    for item in spec.get("registers", []):
        words = encode(item)
        tables[item["table"]][item["address"] : item["address"] + len(words)] = words
    coils = [False] * SIZE
    discrete = [False] * SIZE
    for address, value in spec.get("coils", {}).items():
        coils[int(address)] = bool(value)
    for address, value in spec.get("discrete", {}).items():
        discrete[int(address)] = bool(value)
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, tables["holding"]),
        ir=ModbusSequentialDataBlock(0, tables["input"]),
        co=ModbusSequentialDataBlock(0, coils),
        di=ModbusSequentialDataBlock(0, discrete),
        zero_mode=True,  # request address 0 is element 0 (the default shifts by one)
    )


async def main():
    spec = json.loads(sys.stdin.readline())
    slaves = {int(unit): unit_context(s) for unit, s in spec["units"].items()}
    context = ModbusServerContext(slaves=slaves, single=False)
    loop = asyncio.get_running_loop()
    if len(sys.argv) > 2 and sys.argv[1] == "--serial":
        baud = int(sys.argv[3]) if len(sys.argv) > 3 else 19200
        server = ModbusSerialServer(context, framer=ModbusRtuFramer, port=sys.argv[2], baudrate=baud)
        await server.start()
        print(f"LISTENING {sys.argv[2]}", flush=True)
        await loop.run_in_executor(None, sys.stdin.read)
        await server.shutdown()
        return
    server = ModbusTcpServer(context, address=("127.0.0.1", 0))
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # returns at EOF: the test is done
    await server.shutdown()
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
