// The Babylon modules the twin uses, imported by deep path so the bundle only carries these
// (the side-effect imports register scene picking, thin instances and edge rendering).
import '@babylonjs/core/Culling/ray.js';
import '@babylonjs/core/Meshes/thinInstanceMesh.js';
import '@babylonjs/core/Rendering/edgesRenderer.js';

export { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera.js';
export type { PickingInfo } from '@babylonjs/core/Collisions/pickingInfo.js';
export { Engine } from '@babylonjs/core/Engines/engine.js';
export { PointerEventTypes } from '@babylonjs/core/Events/pointerEvents.js';
export { DirectionalLight } from '@babylonjs/core/Lights/directionalLight.js';
export { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight.js';
export { StandardMaterial } from '@babylonjs/core/Materials/standardMaterial.js';
export { Color3, Color4 } from '@babylonjs/core/Maths/math.color.js';
export { Matrix, Quaternion, Vector3 } from '@babylonjs/core/Maths/math.vector.js';
export type { AbstractMesh } from '@babylonjs/core/Meshes/abstractMesh.js';
export { CreateBox } from '@babylonjs/core/Meshes/Builders/boxBuilder.js';
export { CreateCylinder } from '@babylonjs/core/Meshes/Builders/cylinderBuilder.js';
export { CreateGround } from '@babylonjs/core/Meshes/Builders/groundBuilder.js';
export { CreateLineSystem } from '@babylonjs/core/Meshes/Builders/linesBuilder.js';
export { CreateSphere } from '@babylonjs/core/Meshes/Builders/sphereBuilder.js';
export type { LinesMesh } from '@babylonjs/core/Meshes/linesMesh.js';
export { Mesh } from '@babylonjs/core/Meshes/mesh.js';
export { VertexData } from '@babylonjs/core/Meshes/mesh.vertexData.js';
export { Scene } from '@babylonjs/core/scene.js';
