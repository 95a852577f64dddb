"""A device inventory service: FastAPI + SQLAlchemy, netx-typed columns, addresses from a netx pool.

    pip install 'netx-ip[sqlalchemy]' fastapi uvicorn       # + 'netx-ip[postgres]' for PostgreSQL
    DATABASE_URL=sqlite:///devices.db NETX_IPAM_URL=sqlite:///ipam.db uvicorn --factory app:from_environment

Endpoints (the OpenAPI schema is at /openapi.json, the docs at /docs):

    POST   /networks                   a network and the address pool that serves it
    POST   /devices                    a device with an address you give it
    POST   /devices/allocate           a device with the next free address of a network's pool
    GET    /devices?within=CIDR        devices whose address is inside CIDR, in address order
    GET    /devices/{name}
    DELETE /devices/{name}             (its pool address is released)
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import Annotated, Any, AsyncIterator, Iterator, Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ForeignKey, String, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

import netx
from netx import ipam
from netx.sqlalchemy import IPNetType, IPType


# -- tables ---------------------------------------------------------------------------------
class Base(DeclarativeBase):
    pass


class Network(Base):
    __tablename__ = "networks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    cidr: Mapped[netx.IPNet] = mapped_column(IPNetType, unique=True)
    gateway: Mapped[Optional[netx.IP]] = mapped_column(IPType)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[netx.IP] = mapped_column(IPType, unique=True)  # unique: indexed, so `within` is a range scan
    network: Mapped[netx.IPNet] = mapped_column(IPNetType, index=True)
    pool: Mapped[Optional[str]] = mapped_column(ForeignKey("networks.name"))


# -- API models -----------------------------------------------------------------------------
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class NetworkIn(BaseModel):
    name: Name
    cidr: netx.IPNet
    gateway: Optional[netx.IP] = None


class NetworkOut(NetworkIn):
    model_config = ConfigDict(from_attributes=True)


class DeviceIn(BaseModel):
    name: Name
    address: netx.IP
    network: netx.IPNet


class AllocateIn(BaseModel):
    name: Name
    network: Name = Field(description="the network (pool) to take the address from")


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    address: netx.IP
    network: netx.IPNet
    pool: Optional[str] = None


# -- the application ------------------------------------------------------------------------
def _session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


Db = Annotated[Session, Depends(_session)]


def create_app(database_url: str, ipam_url: str, *, connect_args: Optional[dict[str, Any]] = None) -> FastAPI:
    """The service on the SQL database ``database_url`` (any SQLAlchemy URL) and the netx IPAM
    store ``ipam_url`` (``sqlite:///...``, ``postgresql://...``)."""
    engine = create_engine(database_url, connect_args=connect_args or {})
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store = ipam.open(ipam_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()
        engine.dispose()

    app = FastAPI(title="devices", version="1.0", lifespan=lifespan,
                  description="A device inventory with netx-typed columns and addresses from netx pools.")
    app.state.sessions = sessions

    @app.exception_handler(netx.NetxError)
    async def bad_value(request: Request, exc: netx.NetxError) -> Response:
        from fastapi.responses import JSONResponse

        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.post("/networks", status_code=201, response_model=NetworkOut)
    def create_network(body: NetworkIn, db: Db) -> Network:
        if body.gateway is not None and body.gateway not in body.cidr:
            raise HTTPException(422, f"gateway {body.gateway} is not in {body.cidr}")
        if db.scalar(select(Network).where(Network.name == body.name)) is not None:
            raise HTTPException(409, f"network {body.name!r} exists")
        if db.scalar(select(Network).where(Network.cidr.overlaps(body.cidr))) is not None:
            raise HTTPException(409, f"{body.cidr} overlaps an existing network")
        try:
            # IPv6: never hand out the Subnet-Router anycast address (RFC 4291), as IPv4 never hands out the network
            reserve = [body.cidr.ip] if body.cidr.version == 6 else []
            store.create_pool(body.name, str(body.cidr), gateway=body.gateway, reserve=reserve)
        except ipam.IPAMError as exc:
            raise HTTPException(409, str(exc)) from None
        network = Network(name=body.name, cidr=body.cidr, gateway=body.gateway)
        db.add(network)
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            store.delete_pool(body.name, force=True)
            raise HTTPException(409, f"network {body.name!r} or {body.cidr} exists") from None
        return network

    @app.post("/devices", status_code=201, response_model=DeviceOut)
    def create_device(body: DeviceIn, db: Db) -> Device:
        if body.address not in body.network:
            raise HTTPException(422, f"address {body.address} is not in network {body.network}")
        # an address inside one of our networks is taken from its pool, so allocation never hands it out
        network = db.scalar(select(Network).where(Network.cidr.contains_ip(body.address)))
        if network is None:
            return _insert(db, Device(name=body.name, address=body.address, network=body.network))
        pool = store.pool(network.name)
        try:
            pool.allocate(owner=body.name, ip=body.address)
        except ipam.IPAMError as exc:  # AlreadyAllocated, Reserved (the gateway), ...
            raise HTTPException(409, str(exc)) from None
        return _insert_or_release(db, Device(name=body.name, address=body.address, network=body.network,
                                             pool=network.name), pool)

    @app.post("/devices/allocate", status_code=201, response_model=DeviceOut)
    def allocate_device(body: AllocateIn, db: Db) -> Device:
        network = db.get(Network, body.network)
        if network is None:
            raise HTTPException(404, f"no network {body.network!r}")
        pool = store.pool(network.name)
        try:
            address = pool.allocate(owner=body.name)
        except ipam.PoolExhausted:
            raise HTTPException(409, f"network {network.name!r} has no free address") from None
        device = Device(name=body.name, address=address, network=network.cidr, pool=network.name)
        return _insert_or_release(db, device, pool)

    @app.get("/devices", response_model=list[DeviceOut])
    def list_devices(db: Db, within: Annotated[Optional[netx.IPNet], Query(
            description="only devices whose address is in this network")] = None) -> list[Device]:
        query = select(Device).order_by(Device.address)
        if within is not None:
            query = query.where(Device.address.within(within))
        return list(db.scalars(query))

    @app.get("/devices/{name}", response_model=DeviceOut)
    def get_device(name: str, db: Db) -> Device:
        device = db.scalar(select(Device).where(Device.name == name))
        if device is None:
            raise HTTPException(404, f"no device {name!r}")
        return device

    @app.delete("/devices/{name}", status_code=204)
    def delete_device(name: str, db: Db) -> None:
        device = db.scalar(select(Device).where(Device.name == name))
        if device is None:
            raise HTTPException(404, f"no device {name!r}")
        db.delete(device)
        db.commit()
        if device.pool is not None:
            store.pool(device.pool).release(device.address)

    return app


def _insert(db: Session, device: Device) -> Device:
    db.add(device)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(409, f"a device named {device.name!r} or with address {device.address} exists") from None
    return device


def _insert_or_release(db: Session, device: Device, pool: Any) -> Device:
    try:
        return _insert(db, device)
    except HTTPException:
        pool.release(device.address)  # the device was not created: give its address back
        raise


def from_environment() -> FastAPI:
    """The app on ``DATABASE_URL`` and ``NETX_IPAM_URL`` (``uvicorn --factory app:from_environment``)."""
    return create_app(os.environ.get("DATABASE_URL", "sqlite:///devices.db"),
                      os.environ.get("NETX_IPAM_URL", "sqlite:///ipam.db"))
